"""Report language: English text as keys, translations from ``i18n_zh.yaml``; bilingual node names.

``Translator("zh")("NOx by vehicle type")`` gives the Chinese text; a text with ``{placeholders}`` is
translated first and formatted after. English is the identity. Names of nodes and enterprises come from
the network's ``name`` and ``name_zh`` columns (an empty ``name_zh`` falls back to ``name``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml

from freight_sim.errors import ConfigError

LANGUAGES = ("en", "zh")


@functools.cache
def _catalogue(lang: str) -> dict[str, dict[str, str]]:
    if lang == "en":
        return {"text": {}, "metrics": {}, "units": {}, "values": {}}
    text = resources.files("freight_sim.report").joinpath(f"i18n_{lang}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {section: dict(data.get(section) or {}) for section in ("text", "metrics", "units", "values")}


def check_language(lang: str, where: str = "--lang:1: lang") -> str:
    if lang not in LANGUAGES:
        raise ConfigError(f"{where}: unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    return lang


class Translator:
    """Translate report text into ``lang`` (``en`` or ``zh``)."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = check_language(lang)
        self._table = _catalogue(self.lang)

    def __call__(self, text: str, **values: Any) -> str:
        translated = self._table["text"].get(text, text)
        return translated.format(**values) if values else translated

    def has(self, text: str) -> bool:
        return self.lang == "en" or text in self._table["text"]

    def metric(self, name: str, english_label: str) -> str:
        """Label of metric ``name`` (family members keep their key: ``tonnes by chain: road``)."""
        if self.lang == "en":
            return english_label
        table = self._table["metrics"]
        if name in table:
            return table[name]
        if "." in name:
            parent, key = name.split(".", 1)
            if f"{parent}.*" in table:
                return f"{table[f'{parent}.*']}：{self.value(key)}"
        return english_label

    def unit(self, unit: str) -> str:
        return self._table["units"].get(unit, unit)

    def value(self, value: Any) -> str:
        """A code value shown to readers (chain, mode, kind, vehicle type), translated when known."""
        text = str(value)
        return self._table["values"].get(text, text)

    def name(self, names: Mapping[str, Any] | None, fallback: str) -> str:
        """``names['name_zh']`` in Chinese when present, else ``names['name']``, else ``fallback``."""
        if not names:
            return fallback
        if self.lang == "zh" and str(names.get("name_zh") or "").strip():
            return str(names["name_zh"])
        return str(names.get("name") or fallback)
