"""Shopify's calculated query cost, as the fake Shopify charges it to its leaky bucket:
objects 1, connections 2 + ``first`` × the cost of a node (``pageInfo`` free), lists with a
``first`` argument ``first`` × their items, scalars and enums 0, each mutation field 10 more.
An approximation of Shopify's calculator (store-platforms §1.7): the adapter reads the real
``requestedQueryCost`` from every answer rather than relying on these numbers."""

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    get_named_type,
    value_from_ast,
)

MAX_QUERY_COST = 1000  # Shopify's cap on one query's requested cost


def query_cost(schema: GraphQLSchema, document: Any, variables: dict) -> int:
    """Shopify's calculated query cost, approximately (see the module docstring)."""
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))

    def arg(node: FieldNode, name: str, field_def: Any) -> Any:
        for a in node.arguments:
            if a.name.value == name:
                return value_from_ast(a.value, field_def.args[name].type, variables)
        return None

    def selection_cost(selections: Any, parent: Any) -> int:
        total = 0
        for sel in selections:
            if isinstance(sel, FieldNode):
                fields = getattr(parent, "fields", {})
                if sel.name.value not in fields:
                    continue
                field_def = fields[sel.name.value]
                named = get_named_type(field_def.type)
                if not hasattr(named, "fields") and not hasattr(named, "types"):
                    continue  # scalars and enums are free
                if named.name == "PageInfo":
                    continue
                children = (
                    selection_cost(sel.selection_set.selections, named) if sel.selection_set else 0
                )
                inner = (
                    field_def.type.of_type
                    if isinstance(field_def.type, GraphQLNonNull)
                    else field_def.type
                )
                first = arg(sel, "first", field_def) if "first" in field_def.args else None
                if named.name.endswith("Connection"):
                    total += 2 + (first or 0) * max(children, 1) if first else 2 + children
                elif isinstance(inner, GraphQLList):
                    total += (first or 1) * (1 + children)
                else:
                    total += 1 + children
            elif isinstance(sel, InlineFragmentNode):
                cond = (
                    schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                )
                total += selection_cost(sel.selection_set.selections, cond)
            elif isinstance(sel, FragmentSpreadNode):
                frag = fragments[sel.name.value]
                total += selection_cost(
                    frag.selection_set.selections, schema.get_type(frag.type_condition.name.value)
                )
        return total

    root: GraphQLObjectType | None = (
        schema.mutation_type if operation.operation.value == "mutation" else schema.query_type
    )
    cost = selection_cost(operation.selection_set.selections, root)
    if operation.operation.value == "mutation":
        cost += 10 * len(operation.selection_set.selections)
    return cost
