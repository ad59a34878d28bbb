"""Small made-up Pabulib files in the layouts of the real ones (``../shared/data/pabulib``).

Each text copies what makes its real file's layout, never its data: the META keys in the
city's order (Amsterdam's ``budget_per_category`` and ``max_length_per_category``, the Polish
``subunit`` and ``edition``), the PROJECTS and VOTES columns (``votes``, ``score``,
``selected``, ``beneficiaries``, coordinates; ``age``, ``sex``, ``voting_method``), several
categories in one field, ids such as ``BO.D9.3/24``, a budget with cents, Polish letters in
UTF-8 and the line ends (CRLF, except Kraków's LF). The projects, costs and ballots are invented
and small enough to check by hand; ``votes`` and ``score`` are recounts of the VOTES section,
and ``selected`` is the city's greedy rule worked out by hand (see each text's comment).

:func:`write_layout` writes one to a folder, as a downloaded file would lie on disk;
:func:`city_sized` makes an election as large as a real file, for what depends on size.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Final

AMSTERDAM_CATEGORIES: Final = """META
key;value
description;Buurtbudget Proefwijk
country;Netherlands
unit;Amsterdam
district;Noord
instance;901
num_projects;7
num_votes;7
budget;75000
vote_type;approval
rule;greedy
date_begin;2019
date_end;2019
max_sum_cost;75000
categories;Armoede,Groenonderhoud straten & pleinen,Jeugdactiviteiten
language;nl
currency;EUR
comment;#1: The leftover_budget entry indicates how leftover budget is spent. #2: The budget_per_category is an upper bound on the sum cost of projects within a category selected by the voting rule.
leftover_budget;Fund additional projects that fit within leftover budget ordered by score
budget_per_category;20000,25000,15000
PROJECTS
project_id;cost;votes;name;category
90431;15000;7;Armoede bestrijden;Armoede
90432;8000;6;Voedselpakketten aan huis;Armoede
90433;12000;5;Schonere straten;Groenonderhoud straten & pleinen
90435;10000;4;Voetbaltoernooi op het veldje;Jeugdactiviteiten
90434;9000;3;Boomspiegels beplanten;Groenonderhoud straten & pleinen
90436;7000;2;Huiswerkklas;Jeugdactiviteiten
90437;40000;1;Nieuw speelplein;Jeugdactiviteiten
VOTES
voter_id;vote
16618470001;90431,90432,90433,90435,90434
16618470002;90431,90432,90433,90435,90436
16618470003;90431,90432,90433,90434
16618470004;90431,90432,90435
16618470005;90431,90432,90433,90436
16618470006;90431,90432,90437
16618470007;90431,90433,90435,90434
"""
"""Like Netherlands_Amsterdam_166.pb: approval with six-way ``budget_per_category`` caps.

Without the caps greedy funds all but 90437 (61000 of 75000; 14000 left), though Armoede's 23000
is over its cap of 20000. With them 90432 is blocked by ``category:Armoede`` and 90436 (29000
left) by ``category:Jeugdactiviteiten`` (10000 + 7000 > 15000)."""

AMSTERDAM_LENGTHS: Final = """META
key;value
description;Oost Begroot Proefbuurt
country;Netherlands
unit;Amsterdam
district;Oost
instance;902
num_projects;5
num_votes;5
budget;48000
vote_type;approval
rule;greedy
date_begin;2020
date_end;2020
min_length;3
max_length;15
min_project_cost;5000
categories;Klimaat en duurzaamheid,Meer groen in de buurt,Armoede en jeugd,Kunst in binnen- en buitenruimte
language;nl
currency;EUR
comment;#1: The max_length_per_category is an upper bound per vote on number of approved projects within each category. #2: The min_project_cost is a requirement on projects to have some minimum cost.
max_length_per_category;3
PROJECTS
project_id;cost;votes;name;category
16567;25750;5;Verander het plein in een aantrekkelijk, veilig en groen plein!;Meer groen in de buurt
16590;35000;4;Maak van het speelveld een gezellige en groene ontmoetingsplek!;Meer groen in de buurt
16545;12000;3;Zonnepanelen op het buurthuis;Klimaat en duurzaamheid
16548;8000;2;Kookclub voor jongeren;Armoede en jeugd
16555;5000;1;Muurschildering onder het viaduct;Kunst in binnen- en buitenruimte
VOTES
voter_id;vote
12791600001;16567,16590,16545
12791600002;16567,16590,16545
12791600003;16567,16590,16545
12791600004;16567,16590,16548
12791600005;16567,16548,16555
"""
"""Like Netherlands_Amsterdam_212.pb: approval with ``min_length`` 3 and ``max_length`` 15.
Greedy funds 16567 (22250 left), skips 16590 (35000), funds 16545 and 16548 (2250 left)."""

AMSTERDAM_CHOOSE_1: Final = """META
key;value
description;Buurtbudget Proefdijk
country;Netherlands
unit;Amsterdam
district;Nieuw-West
instance;903
num_projects;3
num_votes;6
budget;5720
vote_type;choose-1
rule;greedy
date_begin;2022
date_end;2022
min_length;1
max_length;1
language;nl
currency;EUR
comment;#1: The leftover_budget entry indicates how leftover budget is spent.
leftover_budget;Fund additional projects that fit within leftover budget ordered by score
PROJECTS
project_id;cost;votes;name;category
44251;5000;3;Bloementuinen rondom afvalbakken;Groen
44250;2000;2;Gratis bokszakken in de buurt;Openbare ruimte
44252;720;1;Buurtfeest op het plein;Activiteiten
VOTES
voter_id;vote
14368850001;44250
14368850002;44251
14368850003;44252
14368850004;44251
14368850005;44250
14368850006;44251
"""
"""Like Netherlands_Amsterdam_643.pb: each voter picks exactly one project. Greedy funds 44251
(720 left), skips 44250 (2000) and funds 44252 (720)."""

WARSZAWA_APPROVAL: Final = """META
key;value
description;District PB in Warszawa, Proefwola
country;Poland
unit;Warszawa
district;Proefwola
subunit;Proefwola
instance;2023
num_projects;5
num_votes;7
budget;700000
vote_type;approval
rule;greedy
date_begin;15.06.2022
date_end;30.06.2022
min_length;1
max_length;15
edition;9
language;pl
currency;PLN
comment;#1: If a given project has multiple coordinates, then the average over these coordinates is taken.
PROJECTS
project_id;cost;votes;name;category;beneficiaries;selected;latitude;longitude
451;385000;5;Zielone wejście do parku - ogrody bylinowe;urban greenery,public space,environmental protection;people with disabilities,seniors,adults,youth,children;1;52.2085;20.9627
453;616000;4;Byliny dla dzielnicy - zazielenienie ulic i skwerów;urban greenery,public space;seniors,adults,children;0;52.2200;20.9875
132;200000;3;Ławki i stojaki rowerowe;public space,public transit and roads;adults,youth;1;52.2121;20.9711
306;150000;2;Zajęcia sportowe dla seniorów;sport,health;seniors;0;52.2150;20.9790
337;120000;1;Warsztaty kulinarne;education;adults,youth,children;0;52.2170;20.9820
VOTES
voter_id;vote;age;sex;voting_method
50;451,453,132;35;F;internet
52;451,306;40;F;internet
53;453,132,337;61;M;paper
57;451,453;29;M;internet
58;306,451;52;F;internet
61;132;70;F;paper
63;451,453;19;M;internet
"""
"""Like Poland_Warszawa_2023_Ochota.pb. The city's greedy: 451 (315000 left), not 453
(616000), 132 (115000 left), not 306 (150000) nor 337 (120000): ``selected`` 451 and 132."""

KRAKOW_ORDINAL: Final = """META
key;value
description;District PB in Kraków, Proefmiasto
country;Poland
unit;Kraków
district;Proefmiasto
subunit;Proefmiasto
instance;2024
num_projects;4
num_votes;5
budget;1200000.75
vote_type;ordinal
rule;greedy
date_begin;13.09.2024
date_end;27.09.2024
min_length;3
max_length;3
edition;11
language;pl
currency;PLN
PROJECTS
project_id;cost;votes;score;name;category;selected
BO.D9.1/24;420000;5;11;PROEFMIASTO ZRYWA Z BETONEM;infrastructure;1
BO.D9.2/24;600000;4;8;Ogród kontemplacyjny i sad;environmental protection;1
BO.D9.4/24;300000;3;6;Ławki na plantach;public space;0
BO.D9.3/24;150000;3;5;Rowerowy Kraków;sport;1
VOTES
voter_id;vote;age;sex
85;BO.D9.1/24,BO.D9.2/24,BO.D9.3/24;17;M
106;BO.D9.2/24,BO.D9.1/24,BO.D9.4/24;40;F
107;BO.D9.3/24,BO.D9.1/24,BO.D9.2/24;33;F
110;BO.D9.4/24,BO.D9.2/24,BO.D9.1/24;58;M
111;BO.D9.1/24,BO.D9.4/24,BO.D9.3/24;24;F
"""
"""Like Poland_Krakow_2024_Stare_Miasto.pb (LF line ends): ballots rank exactly three, ``score``
is 3/2/1 points per rank (1/24: 3+2+2+1+3 = 11). The city's greedy by score: 1/24 (780000.75
left), 2/24 (180000.75 left), not 4/24 (300000), 3/24 (30000.75 left)."""

CZESTOCHOWA_CUMULATIVE: Final = """META
key;value
description;District PB in Częstochowa, Proefowo
country;Poland
unit;Częstochowa
district;Proefowo
subunit;Proefowo
instance;2024
num_projects;4
num_votes;5
budget;185000
vote_type;cumulative
rule;greedy
date_begin;07.09.2023
date_end;21.09.2023
max_sum_points;10
edition;10
language;pl
currency;PLN
PROJECTS
project_id;cost;votes;score;name;selected
619;50000;3;19;Doposażenie placu zabaw przy ulicy Żółkiewskiego;1
595;140000;2;16;Aranżacja przyjaznej przestrzeni wspólnej w korytarzach szkoły;0
378;90000;2;8;Zajęcia z samoobrony dla mieszkańców;1
354;60000;2;7;Nowe książki dla filii biblioteki;0
VOTES
voter_id;vote;points;sex;voting_method
19;595;10;M;internet
36;378,619;5,5;F;internet
41;354,595;4,6;F;paper
52;354,378,619;3,3,4;M;internet
60;619;10;F;paper
"""
"""Like Poland_Czestochowa_2024_Tysiaclecie.pb: up to 10 points per ballot. The city's greedy
by score: 619 (135000 left), not 595 (140000), 378 (45000 left), not 354 (60000)."""

LAYOUTS: Final = {
    "amsterdam_categories.pb": (AMSTERDAM_CATEGORIES, "\r\n"),
    "amsterdam_lengths.pb": (AMSTERDAM_LENGTHS, "\r\n"),
    "amsterdam_choose_1.pb": (AMSTERDAM_CHOOSE_1, "\r\n"),
    "warszawa_approval.pb": (WARSZAWA_APPROVAL, "\r\n"),
    "krakow_ordinal.pb": (KRAKOW_ORDINAL, "\n"),
    "czestochowa_cumulative.pb": (CZESTOCHOWA_CUMULATIVE, "\r\n"),
}
"""File name → (text, the line end of the real file it imitates)."""

WITH_SELECTED: Final = ["warszawa_approval.pb", "krakow_ordinal.pb", "czestochowa_cumulative.pb"]
"""The layouts that carry the city's own outcome in a ``selected`` column."""


def write_layout(folder: Path, name: str) -> Path:
    """Write the layout ``name`` to ``folder`` as UTF-8 bytes with its real line ends."""
    text, newline = LAYOUTS[name]
    path = folder / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def layout_text(name: str) -> str:
    """The layout ``name`` as the text a file of it decodes to (line ends included)."""
    text, newline = LAYOUTS[name]
    return text.replace("\n", newline)


CITY_SIZES: Final = {
    "amsterdam_approval": (14, 3057),
    "krakow_ordinal": (20, 1726),
    "czestochowa_cumulative": (52, 2602),
}
"""The made-up city-sized elections: (projects, voters) as in the real file of that layout
(Netherlands_Amsterdam_288, Poland_Krakow_2024_Stare_Miasto, Poland_Czestochowa_2024_…)."""


def city_sized(layout: str, seed: int = 0) -> str:
    """A made-up election as large as the real file of ``layout``, in that file's layout.

    Amsterdam: each voter approves a few of 14 projects (some popular, some not); Kraków: each
    ranks exactly 3 of 20; Częstochowa: each gives 10 points to one project or 5 and 5 to two
    of 52. The budget is the real file's share of the total cost (28 %, 37 %, 9 %). Used where
    the size itself is what is tested.
    """
    rng = random.Random(seed)
    count, voters = CITY_SIZES[layout]
    popularity = [rng.random() + 0.05 for _ in range(count)]
    if layout == "amsterdam_approval":
        ids = [str(36900 + j) for j in range(count)]
        costs = [rng.randrange(3000, 50_000, 100) for _ in ids]
        meta = ["country;Netherlands", "unit;Amsterdam", f"budget;{sum(costs) * 28 // 100}"]
        meta += ["vote_type;approval", "language;nl", "currency;EUR"]
        votes = ["voter_id;vote"]
        for voter in range(voters):
            chosen = [i for i, w in zip(ids, popularity, strict=True) if rng.random() < w / 1.6]
            votes.append(f"{14258060000 + voter};{','.join(chosen) or ids[0]}")
    elif layout == "krakow_ordinal":
        ids = [f"BO.D9.{j}/24" for j in range(1, count + 1)]
        costs = [rng.randrange(4900, 618_500, 100) for _ in ids]
        meta = ["country;Poland", "unit;Kraków", f"budget;{sum(costs) * 37 // 100}.66"]
        meta += ["vote_type;ordinal", "min_length;3", "max_length;3", "language;pl"]
        votes = ["voter_id;vote;age;sex"]
        for voter in range(voters):
            ranked: list[str] = []
            while len(ranked) < 3:
                pick = rng.choices(ids, weights=popularity)[0]
                if pick not in ranked:
                    ranked.append(pick)
            votes.append(f"{50 + voter};{','.join(ranked)};{18 + voter % 70};{'FM'[voter % 2]}")
    else:
        ids = [str(300 + 7 * j) for j in range(count)]
        costs = [rng.randrange(1200, 495_000, 100) for _ in ids]
        meta = ["country;Poland", "unit;Częstochowa", f"budget;{sum(costs) * 9 // 100}"]
        meta += ["vote_type;cumulative", "max_sum_points;10", "language;pl"]
        votes = ["voter_id;vote;points;sex;voting_method"]
        for voter in range(voters):
            first, second = rng.choices(ids, weights=popularity, k=2)
            if first == second or rng.random() < 0.7:
                votes.append(f"{19 + voter};{first};10;{'FM'[voter % 2]};internet")
            else:
                votes.append(f"{19 + voter};{first},{second};5,5;{'FM'[voter % 2]};paper")
    head = ["description;Made-up neighbourhood budget", f"num_projects;{count}"]
    head += [f"num_votes;{voters}", "rule;greedy"]
    projects = [f"{i};{c};Project {i};public space" for i, c in zip(ids, costs, strict=True)]
    lines = ["META", "key;value", *head, *meta, "PROJECTS", "project_id;cost;name;category"]
    lines += [*projects, "VOTES", *votes, ""]
    return ("\n" if layout == "krakow_ordinal" else "\r\n").join(lines)
