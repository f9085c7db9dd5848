"""Parses Prometheus text exposition format from stdin with prometheus_client's own parser and prints the
families and samples as JSON, for AdminPrometheusFormatTest. Exits non-zero (with the parser's message) when
the text is not valid exposition format."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "documentation": family.documentation,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
    })
json.dump(families, sys.stdout)
