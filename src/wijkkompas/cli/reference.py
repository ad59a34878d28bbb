"""`wijkkompas reference`: fit, list, choose and show the fixed yardsticks scores are measured by.

Fitting is an explicit act with a name, never a side effect of `index` (ADR 0010): a score
depends on its own figures and a named reference, so adding a gemeente to the store moves no
one else's score. The reference shipped with the catalogue is called ``catalogue``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wijkkompas.cli.common import OutputFormat, err, gemeente_code, store_of
from wijkkompas.cli.output import print_frame

reference_app = typer.Typer(
    help="The fixed yardstick of the index: fit one on purpose, list, choose, show.",
    no_args_is_help=True,
)


@reference_app.command("fit")
def fit_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="Name of the new reference (never overwritten).")],
    gemeente: Annotated[
        str | None, typer.Option(help="Fit on this gemeente only (GM0344); default: the store.")
    ] = None,
    use: Annotated[bool, typer.Option("--use", help="Score with it from now on.")] = False,
    note: Annotated[str, typer.Option(help="Why this reference was fitted (kept with it).")] = "",
    reference_year: Annotated[
        int | None, typer.Option(help="Year of the national figures that centre it.")
    ] = None,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Also write the reference as a JSON file.")
    ] = None,
    save: Annotated[bool, typer.Option(help="Keep it in the store.")] = True,
) -> None:
    """Fit a reference on the store's figures and keep it under its name."""
    from wijkkompas.index import EngineOptions
    from wijkkompas.services.references import fit_store_reference

    code = gemeente_code(gemeente)
    reference = fit_store_reference(
        store_of(ctx),
        name=name,
        options=EngineOptions(reference_year=reference_year),
        gemeente=code,
        note=note,
        save=save,
        activate=use,
    )
    if out_path is not None:
        out_path.write_text(reference.to_json(indent=1) + "\n", encoding="utf-8")
    fitted = reference.fitted_on
    err.print(
        f"Fitted reference '{name}' on {fitted.get('scored_buurt_years', 0)} buurt-years "
        f"({len(fitted.get('files', []))} imported files); centred on the national figures of "
        f"{reference.reference_year}."
        + (" Saved in the store." if save else "")
        + (" `index` now scores with it." if use and save else "")
        + (f" Written to {out_path}." if out_path else ""),
        highlight=False,
    )


@reference_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """The references in the store, and which one `index` uses."""
    import pandas as pd

    from wijkkompas.catalogue import load_catalogue, shipped_reference
    from wijkkompas.services.references import DEFAULT_REFERENCE

    store = store_of(ctx)
    frame = pd.DataFrame(columns=["name", "created_at", "catalogue_version", "active", "note"])
    if store.exists():
        with store.reader() as reader:
            frame = reader.references()
    catalogue = load_catalogue()
    shipped = pd.DataFrame(
        [
            {
                "name": DEFAULT_REFERENCE,
                "created_at": "",
                "catalogue_version": catalogue.version,
                "active": not bool(frame["active"].astype(bool).any()) if len(frame) else True,
                "note": "shipped with the catalogue"
                if shipped_reference(catalogue)
                else "missing: fit one with `wijkkompas reference fit`",
            }
        ]
    )
    table = pd.concat([shipped, frame], ignore_index=True)
    print_frame(
        table[["name", "created_at", "catalogue_version", "active", "note"]],
        "table",
        title="wijkkompas references",
    )


@reference_app.command("use")
def use_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A stored reference, or 'catalogue'.")],
) -> None:
    """Score with this reference from now on (earlier runs keep theirs)."""
    from wijkkompas.services.references import DEFAULT_REFERENCE

    store = store_of(ctx)
    if not store.exists():
        raise store.missing()
    store.activate_reference(None if name == DEFAULT_REFERENCE else name)
    err.print(f"`index` now scores with reference '{name}'.", highlight=False)


@reference_app.command("show")
def show_command(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="A stored reference or 'catalogue' (default: in use).")
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Per indicator: the centre (in its unit), the spread, the noise and where each comes from."""
    import pandas as pd

    from wijkkompas.catalogue import load_catalogue
    from wijkkompas.index.normalise import inverse_transform
    from wijkkompas.services.references import resolve_reference

    catalogue = load_catalogue()
    store = store_of(ctx)
    reference = resolve_reference(store if store.exists() else None, catalogue, name)
    weights = reference.weights_table()
    rows = []
    for k, ind_id in enumerate(reference.indicators):
        ind = catalogue.by_id(ind_id)
        rows.append(
            {
                "indicator": ind_id,
                "centre": inverse_transform(float(reference.centre[k]), ind.transform),
                "centre_from": reference.centre_from[k],
                "spread": float(reference.spread[k]),
                "noise_sd": float(reference.noise_sd[k]),
                "figures": int(reference.n[k]),
                "total_weight": float(weights["total_weight"].iloc[k]),
                "effective_weight": float(weights["effective_weight"].iloc[k]),
            }
        )
    err.print(
        f"{reference.label}: fitted {reference.created_at or '?'}, centred on "
        f"{reference.reference_year}; values clipped at ±{reference.clip:g} spreads.",
        highlight=False,
    )
    print_frame(pd.DataFrame(rows), format.value, title=f"wijkkompas {reference.label}")


def register(app: typer.Typer) -> None:
    app.add_typer(reference_app, name="reference")
