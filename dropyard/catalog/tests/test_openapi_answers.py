"""productComments' real answer (the legacy ``{success, code: 0}`` body) matches what
openapi.json documents for it."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.catalog import services
from dropyard.catalog.tests.factories import create_product, png_bytes
from dropyard.core.testing.openapi import API_PREFIX, answer_problems, openapi_document

pytestmark = pytest.mark.django_db

COMMENTS = "product/productComments"


def test_product_comments_answer_matches_the_document(cj, client, api_key):
    cj.get_access_token(api_key).ok()
    product = create_product(name="Blue Teddy Bear")
    for rating, photos in [(5, [SimpleUploadedFile("p.png", png_bytes())]), (2, [])]:
        services.review_create(
            product=product,
            rating=rating,
            text=f"{rating} stars",
            country="DE",
            reviewer_name="Anna",
            reviewed_on=date(2026, 5, rating),
            photos=photos,
        )
    document = openapi_document()

    # The legacy body, which the conformance client refuses as an envelope.
    body = client.get(
        f"{API_PREFIX}{COMMENTS}",
        {"pid": product.public_id},
        headers={"CJ-Access-Token": cj.access_token},
    ).json()

    assert answer_problems(document, "GET", COMMENTS, body) == []
    assert [(c["score"], len(c["commentUrls"])) for c in body["data"]["list"]] == [(5, 1), (2, 0)]
    wrong = {**body, "data": {**body["data"], "total": "2"}}
    assert answer_problems(document, "GET", COMMENTS, wrong) == [
        'data/total: "2" is not of type "integer"'
    ]
