"""The Chinese text catalogue of reports and terminal tables."""

from __future__ import annotations

from importlib import resources

import yaml


def test_chinese_catalogue_has_no_repeated_keys():

    class Strict(yaml.SafeLoader):
        pass

    def no_repeats(loader, node, deep=False):
        keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
        assert not repeated, f"keys given twice in i18n_zh.yaml: {repeated}"
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, no_repeats)
    yaml.load(resources.files("freight_sim.report").joinpath("i18n_zh.yaml").read_text(encoding="utf-8"), Loader=Strict)
