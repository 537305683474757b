"""The ledger's rules, one module each: the modules of this package -> {rule name: Rule class}.

A module ``<name>.py`` here defines ``class Rule(RuleBase)`` with ``name: Literal["<name>"]``; it is found
with ``pkgutil`` when the package is imported, so adding a rule touches no other file.
"""

from __future__ import annotations

import importlib
import pkgutil
import typing
from types import MappingProxyType
from typing import Mapping

from dashboard.claims.rules.base import RuleBase

NOT_RULES = ("base",)  # modules of the package that hold shared code, not a rule


def rule_name(rule: type[RuleBase]) -> str:
    """The tag a Rule class answers to: the one value of its ``name: Literal[...]`` field."""
    field = rule.model_fields.get("name")
    values = typing.get_args(field.annotation) if field is not None else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise TypeError(f"{rule.__module__}.Rule: 'name' must be a Literal of one string")
    return values[0]


def discover(package: str = __name__) -> Mapping[str, type[RuleBase]]:
    """Import every rule module of ``package``; its name -> its Rule class, in module-name order.

    A module without a ``Rule`` subclass of :class:`RuleBase`, or whose rule is named differently from
    the module, is a mistake that would silently drop the rule from the ledger: it raises ``TypeError``.
    """
    pkg = importlib.import_module(package)
    found: dict[str, type[RuleBase]] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in NOT_RULES:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        rule = getattr(module, "Rule", None)
        if not (isinstance(rule, type) and issubclass(rule, RuleBase)):
            raise TypeError(f"{module.__name__}: defines no 'Rule' (a subclass of RuleBase)")
        name = rule_name(rule)
        if name != info.name:
            raise TypeError(f"{module.__name__}: its Rule is named {name!r}; a rule's name is its module's")
        found[name] = rule
    return MappingProxyType(found)


RULES = discover()
