"""The impact page shows statutory duties, inherited ones included (AppTest on the duties fixture)."""
from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

import graph  # noqa: E402
from conftest_graph import write_export  # noqa: E402
from duties_fixture import EDGES, NODES  # noqa: E402
from test_app_pages import APP, env, text_of  # noqa: E402,F401  (env sets the variables app_env names)


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    """The duties fixture in a data directory; overrides test_app_pages.app_env for this module."""
    base = tmp_path_factory.mktemp("duties-app")
    export = write_export(base / "export", nodes=NODES, edges=EDGES)
    with graph.open_store("embedded", path=base / "data" / "graph.json") as s:
        graph.load_export(s, export)
    return {"POLICYKG_DATA": str(base / "data"), "POLICYKG_STORE": "embedded"}


def statutory_tab(agency: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "en"
    at.query_params["agency"] = agency
    at.switch_page("app_pages/impact.py")
    at.run()
    at.session_state["im_tab"] = "Statutory duties"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_impact_page_shows_statutory_duties_of_samr_with_inherited_ones(env):
    at = statutory_tab("agency:samr")
    assert "Statutory duties (clauses of regulations): 5, of which inherited 1" in text_of(at)
    by_regulation, clauses = (d.value for d in at.dataframe[:2])
    assert by_regulation.iloc[0].tolist()[:2] == ["中华人民共和国市场主体登记管理条例", 4]
    row = clauses[clauses["Article"] == "第三条"].iloc[0]
    assert (row["Level"], row["Inherited from"]) == ("national", "from 国家工商总局, 2018")
    assert sorted(clauses["Level"]) == ["county and above"] * 3 + ["national"] * 2


def test_a_successor_without_measures_of_its_own_is_listed_with_what_it_inherited(env):
    at = statutory_tab("agency:nfra")
    assert at.selectbox(key="im_agency").value == "agency:nfra"
    assert "Measures inherited from predecessors: 1" in text_of(at)
    (inherited,) = (d.value for d in at.dataframe)
    assert inherited.iloc[0]["Inherited from"] == "from 银保监会, 2023"


def test_what_if_shows_statutory_duties_left_without_a_holder(env):
    at = statutory_tab("agency:samr")
    at.session_state["im_tab"] = "What if"
    at.run()
    assert "Statutory duties binding this agency alone: 4" in text_of(at)
