"""PUT /api/boards/<id>/scores: JSON-path errors, merge and replace, nothing half-stored."""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync_fixtures import make_board
from worker.store import BoardStore, ScoreStore
from worker.store.scores import scores_key

URL = "/api/boards/shop/scores"


def put(client, headers, body, raw: str | None = None):
    data = raw if raw is not None else json.dumps(body)
    return client.put(URL, data=data, headers=headers, content_type="application/json")


def test_merge_then_replace(client, auth_headers, redis) -> None:
    BoardStore(redis).create(make_board())
    r = put(client, auth_headers, {"scores": [{"issue": "SHOP-1", "score": 5}]})
    assert r.status_code == 200, r.json
    r = put(
        client,
        auth_headers,
        {"scores": [{"issue": "SHOP-2", "score": 7.5, "criteria": {"value": 3}, "percent": 50}]},
    )
    assert r.json == {"stored": 1, "replace": False, "total": 2}
    stored = ScoreStore(redis).all("shop")
    assert stored["SHOP-2"].status == "Partially scored" and stored["SHOP-1"].score == 5.0
    r = put(client, auth_headers, {"scores": [{"issue": "SHOP-3", "score": 1}], "replace": True})
    assert r.json["total"] == 1 and set(ScoreStore(redis).all("shop")) == {"SHOP-3"}
    listed = client.get(URL, headers=auth_headers).json["scores"]
    assert listed == [{**ScoreStore(redis).get("shop", "SHOP-3").to_dict(), "priority": 1}]


def test_evaluations_are_derived(client, auth_headers, redis) -> None:
    BoardStore(redis).create(make_board())
    item = {
        "issue": "SHOP-4",
        "evaluations": [
            {"voter": "ann", "criteria": {"value": 4, "effort": 2}},
            {"voter": "bob", "criteria": {"value": 2, "effort": 2}},
        ],
    }
    assert put(client, auth_headers, {"scores": [item]}).status_code == 200
    score = ScoreStore(redis).get("shop", "SHOP-4")
    assert (score.score, score.percent, score.status) == (4.0, 100.0, "Scored")
    assert score.criteria == {"value": 3.0, "effort": 2.0} and score.alignment == 87.5


def test_unknown_criterion_is_named_by_its_path(client, auth_headers, redis) -> None:
    BoardStore(redis).create(make_board())
    body = {"scores": [{"issue": "SHOP-1", "score": 1}, {"issue": "SHOP-2", "criteria": {"x": 1}}]}
    r = put(client, auth_headers, body)
    assert r.status_code == 400
    assert r.json["error"]["details"][0]["path"] == "$.scores[1].criteria.x"
    assert "unknown criterion" in r.json["error"]["details"][0]["message"]
    assert ScoreStore(redis).count("shop") == 0


def test_missing_board_and_missing_token(client, auth_headers, redis) -> None:
    assert put(client, auth_headers, {"scores": []}).status_code == 404
    BoardStore(redis).create(make_board())
    assert client.put(URL, json={"scores": []}).status_code == 401


VALID_ITEM = {"issue": "SHOP-1", "score": 3.5, "criteria": {"value": 2}, "percent": 80}
BAD_VALUES = {
    "issue": ["shop-1", "SHOP-0", "SHOP", "", 12, None, "SHOP-1 ", "ШОП-1"],
    "score": ["3", True, 1e12, -1e12, [], {}, math.nan, math.inf],
    "percent": [-1, 100.5, "50", False, math.nan],
    "alignment": [101, -0.1, "x", [1]],
    "status": ["scored", "", 1, None],
    "criteria": [[], "x", {"value": "1"}, {"value": None}, {"unknown": 1}, {"bad key": 1}],
    "issue_id": [0, -3, 1.5, "10001", True],
    "evaluations": [{}, [{"voter": "a"}], [{"voter": "", "criteria": {}}], [1]],
    "surprise": [1, "x", None],
}


@st.composite
def bad_payloads(draw: st.DrawFn) -> tuple[object, str]:
    kind = draw(st.sampled_from(["item", "top", "shape"]))
    if kind == "shape":
        body = draw(st.sampled_from([[], "x", 1, None, {}, {"scores": {}}, {"scores": [1]}]))
        return body, "$"
    items = [dict(VALID_ITEM, issue=f"SHOP-{i + 1}") for i in range(draw(st.integers(1, 4)))]
    if kind == "top":
        body = {"scores": items, draw(st.sampled_from(["replace", "extra"])): "yes"}
        return body, "$"
    index = draw(st.integers(0, len(items) - 1))
    key = draw(st.sampled_from(sorted(BAD_VALUES)))
    items[index] = {**items[index], key: draw(st.sampled_from(BAD_VALUES[key]))}
    if draw(st.booleans()):
        items.append(dict(items[0]))  # a duplicate on top
    return {"scores": items, "replace": draw(st.booleans())}, f"$.scores[{index}]"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bad_payloads())
def test_bad_payloads_are_400_with_a_path_and_store_nothing(
    client, auth_headers, redis, case: tuple[object, str]
) -> None:
    body, path_prefix = case
    if not BoardStore(redis).exists("shop"):
        BoardStore(redis).create(make_board())
        ScoreStore(redis).put("shop", [])
        redis.hset(scores_key("shop"), "SHOP-99", json.dumps({"issue": "SHOP-99", "score": 1}))
    before = redis.hgetall(scores_key("shop"))
    r = put(client, auth_headers, body)
    assert r.status_code == 400, (body, r.json)
    details = r.json["error"]["details"]
    assert details and all(d["path"].startswith("$") and d["message"] for d in details)
    assert any(d["path"].startswith(path_prefix) for d in details), details
    assert redis.hgetall(scores_key("shop")) == before


def test_malformed_json_is_400(client, auth_headers, redis) -> None:
    BoardStore(redis).create(make_board())
    r = put(client, auth_headers, None, raw='{"scores": [')
    assert r.status_code == 400 and r.json["error"]["details"][0]["path"] == "$"


def test_deeply_nested_json_is_400_not_500(client, auth_headers, redis) -> None:
    BoardStore(redis).create(make_board())
    deep_criteria = '{"a":' * 3000 + "1" + "}" * 3000
    for raw in [
        "[" * 50000,
        '{"scores": [{"issue": "SHOP-1", "criteria": ' + deep_criteria + "}]}",
    ]:
        r = put(client, auth_headers, None, raw=raw)
        assert r.status_code == 400 and r.json["error"]["details"][0]["path"] == "$"
    assert ScoreStore(redis).count("shop") == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
almost_items = st.fixed_dictionaries(
    {"issue": st.sampled_from(["SHOP-1", "SHOP-2", "x", 1])},
    optional={k: json_values for k in ("score", "criteria", "percent", "status", "evaluations")},
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(json_values, st.fixed_dictionaries({"scores": st.lists(almost_items, max_size=3)}))
)
def test_any_json_is_stored_whole_or_refused_with_a_path(client, auth_headers, redis, body) -> None:
    if not BoardStore(redis).exists("shop"):
        BoardStore(redis).create(make_board())
    before = redis.hgetall(scores_key("shop"))
    r = put(client, auth_headers, body)
    assert r.status_code in (200, 400), (body, r.status_code)
    if r.status_code == 400:
        assert all(d["path"].startswith("$") for d in r.json["error"]["details"])
        assert r.json["error"]["details"] and redis.hgetall(scores_key("shop")) == before
    else:
        assert r.json["stored"] == len(body["scores"])
