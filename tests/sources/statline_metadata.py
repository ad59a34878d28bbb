"""A StatLine ``DataProperties.json`` made up in the layout of table 85984NED's OData v3 metadata.

The real file (``../shared/data/kwb/metadata/85984NED``) is a bare list of entries: one
GeoDetail with the MapYear, TopicGroups, and Topics that hang under them by ParentID, each with
Key, Title, Unit and Datatype. This one keeps that layout with a handful of the table's keys and
titles (the descriptions are made up): a few whose title turns into the key by an odd rule ("0
tot 15 jaar" → ``k_0Tot15Jaar``, "Gemiddelde WOZ-waarde …", "Wmo-cliënten") and the two
'Appartement' topics that only their parent groups tell apart.
"""

from __future__ import annotations

import json
from typing import Any


def _topic(id: int, parent: int, key: str, title: str, unit: str) -> dict[str, Any]:
    return {
        "odata.type": "Cbs.OData.Topic", "ID": id, "Position": id, "ParentID": parent,
        "Type": "Topic", "Key": key, "Title": title, "Description": f"{title} (made up).",
        "Datatype": "Long", "Unit": unit, "Decimals": 0, "Default": "Impossible",
        "PresentationType": "Absolute",
    }  # fmt: skip


def _group(id: int, parent: int | None, title: str) -> dict[str, Any]:
    return {
        "odata.type": "Cbs.OData.TopicGroup", "ID": id, "Position": None, "ParentID": parent,
        "Type": "TopicGroup", "Key": "", "Title": title, "Description": None,
    }  # fmt: skip


DATA_PROPERTIES: list[dict[str, Any]] = [
    {
        "odata.type": "Cbs.OData.GeoDetail", "ID": 0, "Position": 0, "ParentID": None,
        "Type": "GeoDetail", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten",
        "Description": "", "MapYear": 2024,
    },
    _group(1, None, "Regioaanduiding"),
    {**_topic(4, 1, "Codering_3", "Codering", "code"), "Datatype": "String"},
    _group(6, None, "Bevolking"),
    _topic(7, 6, "AantalInwoners_5", "Aantal inwoners", "aantal"),
    _group(11, 6, "Leeftijdsgroepen"),
    _topic(12, 11, "k_0Tot15Jaar_8", "0 tot 15 jaar", "aantal"),
    _group(46, None, "Wonen en vastgoed"),
    _topic(50, 46, "GemiddeldeWOZWaardeVanWoningen_39", "Gemiddelde WOZ-waarde van woningen",
           "x 1 000 euro"),
    _group(69, None, "Energie"),
    _group(70, 69, "Gemiddelde elektriciteitslevering"),
    _group(72, 70, "Naar woningtype"),
    _topic(73, 72, "Appartement_54", "Appartement", "kWh"),
    _group(81, 69, "Gemiddeld aardgasverbruik"),
    _group(83, 81, "Naar woningtype"),
    _topic(84, 83, "Appartement_62", "Appartement", "m³"),
    _group(130, None, "Zorg"),
    _topic(133, 130, "WmoClienten_100", "Wmo-cliënten", "aantal"),
]  # fmt: skip


def data_properties_json() -> bytes:
    """The file as the OData service serves it: JSON, UTF-8, indented, non-ASCII kept."""
    return json.dumps(DATA_PROPERTIES, ensure_ascii=False, indent=2).encode()
