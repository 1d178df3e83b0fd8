"""Certificates go through the driver; TLS-disabled clusters have none; rotation is refused."""


def test_ca_and_signing(client, create_cluster, conductor):
    uuid = create_cluster()
    conductor.drain()
    body = client.get("/v1/certificates/c1").json_body_or_none
    assert body["cluster_uuid"] == uuid and f"FAKECA{uuid}" in body["pem"] and body["links"]
    csr = "-----BEGIN CERTIFICATE REQUEST-----"
    signed = client.post("/v1/certificates", {"cluster_uuid": uuid, "csr": csr})
    assert signed.status_int == 201
    assert signed.json_body_or_none["pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert signed.json_body_or_none["csr"] == csr


def test_refused_csr_is_a_400_with_the_reason(client, create_cluster, conductor):
    uuid = create_cluster()
    conductor.drain()
    refused = client.post("/v1/certificates", {"cluster_uuid": uuid, "csr": "CSR"})
    assert refused.status_int == 400
    assert "not a PEM certificate signing request" in refused.text


def test_unknown_cluster(client, template):
    assert client.get("/v1/certificates/nope").status_int == 404
    assert client.post("/v1/certificates", {"cluster_uuid": "nope",
                                            "csr": "x"}).status_int == 400


def test_rotate_is_refused_with_a_reason(client, create_cluster):
    create_cluster()
    response = client.patch("/v1/certificates/c1")
    assert response.status_int == 400
    assert "not supported" in response.text


def test_tls_disabled_has_no_certificates(client, template, create_cluster):
    client.patch("/v1/clustertemplates/t1", [
        {"op": "replace", "path": "/tls_disabled", "value": True}])
    create_cluster()
    assert client.get("/v1/certificates/c1").status_int == 400
