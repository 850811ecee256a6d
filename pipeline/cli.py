"""The `vanban` command: a thin layer over the library; each command calls one library function."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.errors import VanbanError

DEFAULT_DB = "output/vanban.db"


@click.group()
@click.version_option(package_name="vanban")
def cli() -> None:
    """Structured data from Vietnamese administrative documents."""


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-text", is_flag=True, help="Leave out the normalised text (spans then point into `vanban text`).")
def parse(file: Path, no_text: bool) -> None:
    """Parse FILE and print its JSON (the export contract) on stdout."""
    from pipeline.run import parse as parse_file
    try:
        result = parse_file(file)
    except VanbanError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    exclude = {"text"} if no_text else None
    click.echo(result.model_dump_json(indent=2, exclude=exclude))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def text(file: Path) -> None:
    """Print the normalised text of FILE, the text every span points into; pages marked."""
    from pipeline.normalise import normalise
    from pipeline.readers import read
    try:
        raw = read(file)
    except VanbanError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    body, page_starts = normalise(raw)
    if raw.paged:
        bounds = page_starts + [len(body)]
        for i in range(len(page_starts)):
            ocr = " (OCR)" if i + 1 in raw.ocr_pages else ""
            click.echo(f"\f--- page {i + 1}{ocr} ---")
            click.echo(body[bounds[i]:bounds[i + 1]].strip("\n"))
    else:
        click.echo(body)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="SQLite database to write.")
@click.option("--force", is_flag=True, help="Re-parse files even when stored unchanged.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest(paths: tuple[Path, ...], db_path: str, force: bool, quiet: bool) -> None:
    """Parse files and folders into the database; a bad file is recorded in `errors`, never fatal.

    Exit status 1 when any file failed.
    """
    from tqdm import tqdm

    from pipeline.ingest import ingest as run_ingest
    bar = tqdm(unit="file", disable=quiet, file=sys.stderr)

    def progress(summary, path) -> None:
        bar.update(1)
        bar.set_postfix(docs=summary.documents, errors=summary.failed, refresh=False)

    summary = run_ingest(paths, db_path, force=force, progress=progress)
    bar.close()
    click.echo(f"{summary.files} files: {summary.stored} stored, {summary.unchanged} unchanged, "
               f"{summary.failed} failed; {summary.documents} documents -> {db_path}")
    for err in summary.errors:
        click.echo(f"  error {err.path}: [{err.stage}] {err.error_type}: {err.message}", err=True)
    sys.exit(1 if summary.failed else 0)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--out", "out_dir", default="output/export", show_default=True, type=click.Path(path_type=Path))
def export(db_path: str, out_dir: Path) -> None:
    """Write one <source stem>.json per source and a documents.jsonl from the database."""
    from pipeline.export import export_db
    n_sources, n_docs = export_db(db_path, out_dir)
    click.echo(f"{n_sources} sources, {n_docs} documents -> {out_dir}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the export (one source file's JSON)."""
    from schemas import ParseResult
    click.echo(json.dumps(ParseResult.model_json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
def stats(db_path: str) -> None:
    """Counts of sources, documents, sections, facts and errors in the database."""
    from pipeline.export import db_stats
    for name, value in db_stats(db_path).items():
        click.echo(f"{name:<14} {value}")


@cli.command()
@click.argument("query")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--limit", default=20, show_default=True)
def search(query: str, db_path: str, limit: int) -> None:
    """Full-text search over section text; accents optional (`ke hoach` finds `kế hoạch`)."""
    from pipeline import store
    db = store.open_db(db_path)
    for row in store.search(db, query, limit):
        click.echo(f"{Path(row['source']).name}  {row['number'] or '-'}  §{row['path']}  {row['title'] or ''}")
        click.echo(f"    {row['snippet']}")


@cli.command()
@click.argument("number")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
def refs(number: str, db_path: str) -> None:
    """What the document NUMBER cites and what cites it (`vanban refs 61-CTr/TU`).

    Exit status 1 when no document has that number and nothing cites it.
    """
    from pipeline import store
    found = store.citations(store.open_db(db_path), number)
    if not found["documents"] and not found["cited_by"]:
        click.echo(f"{number}: no document and no reference with this number in {db_path}")
        sys.exit(1)
    if not found["documents"]:
        click.echo(f"{number}: not in the database")
    for d in found["documents"]:
        click.echo(f"{d['number']}  {d['doc_type'] or '-'}  {d['issuer'] or '-'}  {d['issued_date'] or '-'}"
                   f"  ({Path(d['source']).name} #{d['ord'] + 1})")
    click.echo(f"cites ({len(found['cites'])}):")
    for r in found["cites"]:
        where = f"{Path(r['cited_source']).name} #{r['cited_ord'] + 1}" if r["resolved"] else "not in the database"
        click.echo(f"  -> {r['cited_number'] or r['cited_title']}  {r['cited_doc_type'] or '-'}  {r['cited_date'] or '-'}"
                   f"  {r['cited_issuer'] or '-'}  [{where}]")
    click.echo(f"cited by ({len(found['cited_by'])}):")
    for r in found["cited_by"]:
        link = "" if r["resolved"] else "  [names the number, not matched to a stored document]"
        click.echo(f"  <- {r['citing_number'] or '(no number)'}  {r['citing_doc_type'] or '-'}  {r['citing_issuer'] or '-'}"
                   f"  ({Path(r['citing_source']).name} #{r['citing_ord'] + 1}){link}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
