# The app image for docker-compose.yml: PolicyKG + Streamlit.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md* ./
COPY extract ./extract
COPY graph ./graph
COPY policykg ./policykg
RUN pip install --no-cache-dir . streamlit
COPY . .
EXPOSE 8501
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
