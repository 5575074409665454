def test_world_builds(world, client):
    r = client.get("/api/v1/me", headers=world.h("member_a1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["cell"]["code"] == "A1"
