"""``product/getCategory``: the three-level category tree (contract §2.2)."""

from django.http import HttpRequest
from ninja import Router

from dropyard.core.api import CamelSchema

from ..selectors import category_tree

router = Router(tags=["Product"])


class CategoryThirdOut(CamelSchema):
    category_id: str
    category_name: str


class CategorySecondOut(CamelSchema):
    category_second_id: str
    category_second_name: str
    category_second_list: list[CategoryThirdOut]


class CategoryFirstOut(CamelSchema):
    category_first_id: str
    category_first_name: str
    category_first_list: list[CategorySecondOut]


@router.get("product/getCategory", response=list[CategoryFirstOut])
def get_category(request: HttpRequest) -> list[CategoryFirstOut]:
    """The three-level category tree (ids are the ``categoryId`` filter values)."""
    return [
        CategoryFirstOut(
            category_first_id=first.category.public_id,
            category_first_name=first.category.name,
            category_first_list=[
                CategorySecondOut(
                    category_second_id=second.category.public_id,
                    category_second_name=second.category.name,
                    category_second_list=[
                        CategoryThirdOut(
                            category_id=third.category.public_id,
                            category_name=third.category.name,
                        )
                        for third in second.children
                    ],
                )
                for second in first.children
            ],
        )
        for first in category_tree()
    ]
