"""Ballots that no id or row order ties to a vote mark (issue 18, ADR 0006).

Until now a ballot and its entries were written in the same transaction as the code's vote
mark, with sequential entry ids and rows in the order of voting: sorting marks by id and ballots
by their lowest entry id paired every voter with their ballot. This migration

* adds the ballot box (``SealedBallot``): from now on a ballot is sealed while the vote is open
  and written in the clear only when the vote closes, all at once and in random order;
* gives ballot entries a random key instead of a sequence;
* writes every existing ballot anew, per budget in random order, with new random ids for the
  ballot and its entries. What the ballots say does not change, and so neither does any result;
  the voter numbers in a re-downloaded Pabulib file are a new random numbering of the same
  ballots.

The old rows are deleted, on SQLite with ``secure_delete`` so their bytes are overwritten. On
PostgreSQL deleted rows stay in the data files until the table is vacuumed; run
``VACUUM FULL participation_ballot, participation_ballotentry`` after migrating (the first
close of a vote does it too).

Entries move from the old table to the new one through memory (``_moving``): the primary key
changes type, which PostgreSQL cannot do in place, so the table is emptied, dropped and made
again between two data steps of this one transaction.
"""

import random
import uuid

import django.db.models.deletion
from django.db import migrations, models

_moving: list[tuple[str, int, list[tuple[int, int, int | None]]]] = []
"""(channel, budget id, entries as (project id, position, points)) between the two data steps."""


def _erase_deleted_rows(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def take_ballots_out(apps, schema_editor) -> None:
    """Hold every ballot in memory and empty the ballot tables."""
    Ballot = apps.get_model("participation", "Ballot")
    BallotEntry = apps.get_model("participation", "BallotEntry")
    entries: dict[uuid.UUID, list[tuple[int, int, int | None]]] = {}
    for entry in BallotEntry.objects.all():
        entries.setdefault(entry.ballot_id, []).append(
            (entry.project_id, entry.position, entry.points)
        )
    _moving.clear()
    for ballot in Ballot.objects.all():
        _moving.append((ballot.channel, ballot.budget_id, sorted(entries.get(ballot.pk, []))))
    _erase_deleted_rows(schema_editor)
    BallotEntry.objects.all().delete()
    Ballot.objects.all().delete()


def put_ballots_back(apps, schema_editor) -> None:
    """Write the ballots held in memory anew: in random order, with new random ids."""
    Ballot = apps.get_model("participation", "Ballot")
    BallotEntry = apps.get_model("participation", "BallotEntry")
    # Sorted by content first, so the order in which they were read cannot carry through.
    ballots = sorted(
        _moving, key=lambda b: (b[1], b[0], [(-1 if x is None else x) for e in b[2] for x in e])
    )
    random.SystemRandom().shuffle(ballots)
    written = Ballot.objects.bulk_create(
        Ballot(id=uuid.uuid4(), budget_id=budget_id, channel=channel)
        for channel, budget_id, _entries in ballots
    )
    BallotEntry.objects.bulk_create(
        BallotEntry(ballot=ballot, project_id=project_id, position=position, points=points)
        for ballot, (_channel, _budget, entries) in zip(written, ballots, strict=True)
        for project_id, position, points in entries
    )
    _moving.clear()


def refuse_while_boxes_are_sealed(apps, schema_editor) -> None:
    """Going back would drop the ballot box: not while it holds ballots of an open vote."""
    if apps.get_model("participation", "SealedBallot").objects.exists():
        raise RuntimeError(
            "Sealed ballots exist: close those votes (phase 'result') before migrating back."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0002_survey_results_while_open"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedBallot",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("box", models.BinaryField()),
                (
                    "budget",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="participation.neighbourhoodbudget",
                    ),
                ),
            ],
        ),
        migrations.RunPython(take_ballots_out, put_ballots_back),
        migrations.DeleteModel(name="BallotEntry"),
        migrations.CreateModel(
            name="BallotEntry",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                ("points", models.PositiveIntegerField(null=True)),
                (
                    "ballot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="participation.ballot",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="participation.budgetproject",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("ballot", "project"), name="project_once_per_ballot"
                    )
                ],
            },
        ),
        migrations.RunPython(put_ballots_back, take_ballots_out),
        # Last, so that going back checks first.
        migrations.RunPython(migrations.RunPython.noop, refuse_while_boxes_are_sealed),
    ]
