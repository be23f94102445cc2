# The app image for docker-compose.yml: PolicyKG + Streamlit.
FROM python:3.11-slim
WORKDIR /app
COPY . .
# editable, so `policykg app` finds app.py and app_pages/ next to the package
RUN pip install --no-cache-dir -e .
EXPOSE 8501
CMD ["policykg", "app", "--address", "0.0.0.0", "--port", "8501", "--", "--server.headless", "true"]
