"""The `vanban` command: a thin layer over the library; each command calls one library function."""
from __future__ import annotations

import gc
import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from pipeline.errors import StoreError, VanbanError

DEFAULT_DB = "output/vanban.db"
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C
EXIT_STORE = 3  # the database cannot be opened or written


def _exiting_on_interrupt() -> None:
    """The command is ending with 130: a second Ctrl-C (or one held back meanwhile) must not turn the
    clean exit into a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Group(click.Group):
    """Ctrl-C at any moment (even while the first modules load) exits with 130, never a traceback;
    a database that cannot be opened or written is one sentence and exit status 3."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _exiting_on_interrupt()
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except StoreError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_STORE)


def _print_version(ctx: click.Context, param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    from pipeline.version import PIPELINE_VERSION
    from schemas import EXPORT_VERSION
    try:
        package = version("vanban")
    except PackageNotFoundError:
        package = "(not installed)"
    click.echo(f"vanban {package}, pipeline {PIPELINE_VERSION} (digest of the code and vocabulary; stored in "
               f"sources.pipeline_version), export contract {EXPORT_VERSION}")
    ctx.exit()


@click.group(cls=_Group)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Print the package, pipeline and export contract versions.")
def cli() -> None:
    """Structured data from Vietnamese administrative documents."""


@contextmanager
def _loading() -> Iterator[None]:
    """A command loading the pipeline (pydantic, the schemas, the store): what loads lives as long as the
    process, so the cyclic collector is paused meanwhile (its ~50 passes over it were ~10 ms of CPU) and it
    is frozen afterwards, out of the collector's later passes, the last of them at exit (~50 ms of a parse)."""
    collecting, loaded = gc.isenabled(), len(sys.modules)
    gc.disable()
    try:
        yield
        if len(sys.modules) > loaded:  # called again in one process (tests), it has nothing new to freeze
            gc.freeze()
    finally:
        if collecting:
            gc.enable()


class _NoBar:
    """The progress bar of `ingest --quiet`: shows nothing, and tqdm (which looks up its own installed
    version as it is imported) is not loaded."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix(self, *args, **kwargs) -> None:
        pass

    def close(self) -> None:
        pass


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-text", is_flag=True, help="Leave out the normalised text (spans then point into `vanban text`).")
def parse(file: Path, no_text: bool) -> None:
    """Parse FILE and print its JSON (the export contract) on stdout."""
    with _loading():
        from pipeline.run import parse as parse_file
    try:
        result = parse_file(file)
    except VanbanError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    exclude = {"text"} if no_text else None
    click.echo(result.model_dump_json(indent=2, exclude=exclude))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pages", is_flag=True, help="Mark where each page starts (`--- page 2 ---` lines); offsets then no longer match spans.")
@click.option("--blocks", is_flag=True, help="List the layout blocks instead: kind, page, [start, end), table cell, text.")
def text(file: Path, pages: bool, blocks: bool) -> None:
    """Print the normalised text of FILE: the text every span points into.

    A span [start, end) of `vanban parse` counts characters (Unicode code points, NFC) from the first
    character printed here: Python's text[start:end]. Nothing else is printed, in every format; with
    --pages, page markers are inserted for reading (page starts are also in `parse`'s page_starts).
    """
    from pipeline.files import check_regular
    from pipeline.normalise import normalise
    from pipeline.readers import read
    try:
        check_regular(file)  # a pipe or a device would block or never end
        raw = read(file)
    except VanbanError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    body, page_starts, found = normalise(raw)
    if blocks:
        for b in found:
            cell = f"t{b.table}" if b.table is not None else ""
            if b.row is not None:
                cell += f" r{b.row}c{b.col}"
                cell += f" {b.row_span}x{b.col_span}" if (b.row_span, b.col_span) != (1, 1) else ""
            excerpt = " ".join(body[b.start:b.end].split())
            excerpt = excerpt if len(excerpt) <= 70 else excerpt[:69] + "…"
            click.echo(f"{b.kind:<11} {b.page or '-':>3} {b.start:>7}-{b.end:<7} {cell:<16} {excerpt}")
    elif pages and raw.paged:
        bounds = page_starts + [len(body)]
        for i in range(len(page_starts)):
            ocr = " (OCR)" if i + 1 in raw.ocr_pages else ""
            click.echo(f"\f--- page {i + 1}{ocr} ---")
            click.echo(body[bounds[i]:bounds[i + 1]].strip("\n"))
    else:
        click.echo(body)


def limit_options(with_timeout: bool = True):
    """--max-size-mb, --max-pages and, where files are parsed by workers, --timeout and --max-memory-mb:
    the limits that protect the machine from one bad file."""
    from pipeline.limits import DEFAULT, MEMORY_CEILING_MB, MEMORY_FLOOR_MB

    def add(command):
        if with_timeout:
            command = click.option(
                "--max-memory-mb", type=click.FloatRange(min=256), default=None,
                help=f"Memory (address space) one worker may use; a file that needs more is recorded as "
                     f"LimitExceeded  [default: 3/4 of the machine's memory shared by the workers, "
                     f"{MEMORY_FLOOR_MB}-{MEMORY_CEILING_MB} MB each]")(command)
            command = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT.timeout,
                                   show_default=True, help="Seconds one file may take; then its worker is stopped.")(
                command)
        command = click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT.max_pages,
                               show_default=True, help="Refuse files with more pages.")(command)
        return click.option("--max-size-mb", type=click.FloatRange(min=0, min_open=True),
                            default=DEFAULT.max_size_mb, show_default=True, help="Refuse larger files.")(command)
    return add


def _limits(max_size_mb: float, max_pages: int, timeout: float | None = None, max_memory_mb: float | None = None):
    """The limits of the options, active for a `with` block (the command's run)."""
    from pipeline.limits import DEFAULT, Limits, applied
    return applied(Limits(max_size_mb=max_size_mb, max_pages=max_pages, timeout=timeout or DEFAULT.timeout,
                          max_memory_mb=max_memory_mb))


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """`kill` (SIGTERM) stops a batch the way Ctrl-C does: workers stopped, summary printed."""
    def handler(signum, frame):
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="SQLite database to write.")
@click.option("--force", is_flag=True, help="Re-parse files even when stored unchanged.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes that parse  [default: the machine's cores]")
@click.option("--follow-links", is_flag=True,
              help="Follow symbolic links to folders and to files outside the folders given (recorded, not "
                   "read, without it).")
@limit_options()
@click.option("--include", multiple=True, metavar="GLOB",
              help="Take only the files of the folders that match (`*.pdf`, `2025/*`); repeatable.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out the files that match; repeatable.")
@click.option("--prune", "prune_gone", is_flag=True, help="Afterwards, forget stored files that no longer exist "
                                                          "(as `vanban prune`).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest(paths: tuple[Path, ...], db_path: str, force: bool, workers: int | None, follow_links: bool,
           max_size_mb: float, max_pages: int, timeout: float, max_memory_mb: float | None, include: tuple[str, ...],
           exclude: tuple[str, ...], prune_gone: bool, quiet: bool) -> None:
    """Parse files and folders into the database; a bad file is recorded in `errors`, never fatal.

    Files already stored unchanged are skipped, so an interrupted batch (Ctrl-C, a crash) is
    finished by running the same command again. In folders, files of no known format are skipped
    and counted; --include/--exclude globs match the path below the folder or the file name.
    Exit status 1 when any file failed, 130 when interrupted, 3 when the database cannot be opened
    or written (the disk is full).
    """
    with _loading():
        from pipeline.ingest import Selection, count_files
        from pipeline.ingest import ingest as run_ingest
    selection = Selection(include, exclude)
    with _sigterm_as_interrupt():
        if quiet:
            bar = _NoBar()
        else:
            from tqdm import tqdm
            tqdm.monitor_interval = 0  # no monitor thread: the writer forks its workers (ingest._context)
            bar = tqdm(total=count_files(paths, selection, follow_links), unit="file", file=sys.stderr)

        def progress(summary, path) -> None:
            bar.update(1)
            bar.set_postfix(docs=summary.documents, errors=summary.failed, refresh=False)

        with _limits(max_size_mb, max_pages, timeout, max_memory_mb) as limits:
            summary = run_ingest(paths, db_path, force=force, workers=workers, limits=limits, progress=progress,
                                 selection=selection, follow_links=follow_links)
    bar.close()
    for line in summary_lines(summary, db_path):
        click.echo(line)
    if prune_gone and not summary.interrupted and not summary.stopped:
        from pipeline import store
        for line in prune_lines(store.prune(store.open_db(db_path))):
            click.echo(line)
    shown = 20  # a batch of thousands can fail thousands of times: the table keeps them all
    for err in summary.errors[:shown]:
        click.echo(f"  error {err.path}: [{err.stage}] {err.error_type}: {err.message}", err=True)
    if len(summary.errors) > shown:
        click.echo(f"  ... and {len(summary.errors) - shown} more: select * from errors", err=True)
    if summary.stopped:
        click.echo(f"Stopped: {summary.stopped}. What was stored stays; run the same command again to finish "
                   f"the batch.", err=True)
        sys.exit(EXIT_STORE)
    if summary.interrupted:
        _exiting_on_interrupt()
        click.echo("Interrupted: what was stored stays; run the same command again to finish the batch.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(1 if summary.failed else 0)


def summary_lines(summary, db_path: str, shown: int = 10) -> list[str]:
    """The batch summary: counts, then the files a user should look at (partial, OCR'd, with warnings), each
    list cut at `shown` with the query that gives the rest."""
    copies = f", {summary.copies} copies of stored files" if summary.copies else ""
    lines = [f"{summary.files} files: {summary.stored} stored, {summary.unchanged} unchanged{copies}, "
             f"{summary.failed} failed; {summary.documents} documents in {summary.seconds:.1f} s -> {db_path}"]
    if summary.skipped:
        by_suffix = ", ".join(f"{n} {suffix}" for suffix, n in summary.skipped.most_common())
        lines.append(f"skipped {sum(summary.skipped.values())} files of no known format ({by_suffix}); "
                     f"name a file to have it recorded as an error")

    def listing(title: str, items: list[str], query: str) -> None:
        if not items:
            return
        lines.append(title)
        lines.extend(f"  {item}" for item in items[:shown])
        if len(items) > shown:
            lines.append(f"  ... and {len(items) - shown} more: {query}")

    listing(f"partial: {len(summary.partial)} files with a document of no type and no issuer, or a garbled text layer",
            summary.partial, "select path from sources where status = 'partial'")
    n_pages = sum(len(p) for p in summary.ocr_pages.values())
    listing(f"OCR: {n_pages} pages of {len(summary.ocr_pages)} files read by OCR"
            + (f", {len(summary.low_ocr)} files with low OCR confidence" if summary.low_ocr else ""),
            [f"{p}: pages {', '.join(map(str, pages))}" + (" (low confidence)" if p in summary.low_ocr else "")
             for p, pages in summary.ocr_pages.items()], "select path, ocr_pages from sources where ocr_pages != '[]'")
    listing(f"warnings: {sum(summary.warnings.values())} in {len(summary.warnings)} files",
            [f"{p}: {n}" for p, n in summary.warnings.items()],
            "select path, warnings from sources where warnings != '[]'")
    return lines


def prune_lines(done: dict[str, list[str]], dry_run: bool = False) -> list[str]:
    """What prune did (or, with dry_run, would do), one line per path."""
    lines = [f"prune{' (dry run)' if dry_run else ''}: {len(done['removed'])} sources removed, "
             f"{len(done['moved'])} moved to a copy, {len(done['copies'])} copies and {len(done['errors'])} "
             f"errors forgotten: their files are gone"]
    for kind in ("removed", "moved", "copies", "errors"):
        lines.extend(f"  {kind}: {p}" for p in done[kind])
    return lines


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
def prune(db_path: str, dry_run: bool) -> None:
    """Forget files that no longer exist: their sources (and documents, sections, facts), copies and errors.

    A source whose file is gone but whose copy exists moves to the copy. Paths are checked relative to the
    database's root (meta.root), so run it anywhere.
    """
    from pipeline import store
    for line in prune_lines(store.prune(store.open_db(db_path), dry_run=dry_run), dry_run):
        click.echo(line)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--out", "out_dir", default="output/export", show_default=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "spacy"]), default="json", show_default=True,
              help="json: the export contract, one file per source and documents.jsonl; csv: one file per table "
                   "(UTF-8 with BOM); spacy: vanban.spacy, a DocBin with a span group per fact type.")
def export(db_path: str, out_dir: Path, fmt: str) -> None:
    """Write the database as contract JSON (one <source stem>.json per source and a documents.jsonl), as CSV
    (documents.csv, targets.csv, deadlines.csv, assignments.csv, citations.csv) or as a spaCy DocBin."""
    from pipeline import export as ex
    if fmt == "csv":
        counts = ex.export_csv(db_path, out_dir)
        click.echo(", ".join(f"{name} {n} rows" for name, n in counts.items()) + f" -> {out_dir}")
    elif fmt == "spacy":
        n_docs, n_spans = ex.export_spacy(db_path, out_dir / "vanban.spacy")
        click.echo(f"{n_docs} docs, {n_spans} fact spans -> {out_dir / 'vanban.spacy'}")
    else:
        n_sources, n_docs = ex.export_db(db_path, out_dir)
        click.echo(f"{n_sources} sources, {n_docs} documents -> {out_dir}")


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db_path", type=click.Path(exists=True),
              help="Review the files stored in this database (all of them, or those of --source).")
@click.option("--source", "sources", multiple=True, help="With --db: a stored source path (repeatable).")
@click.option("--out", "out_dir", default="output/review", show_default=True, type=click.Path(path_type=Path))
def review(files: tuple[Path, ...], db_path: str | None, sources: tuple[str, ...], out_dir: Path) -> None:
    """Write a static HTML page per file with every fact highlighted in its text (colour per fact type,
    fields on hover, a fact list that jumps to each fact, page numbers), and an index.html."""
    from pipeline.review import write_pages
    if bool(files) == bool(db_path):
        raise click.UsageError("give FILES to parse, or --db DB to review what it stores")
    if db_path:
        from pipeline import store
        db = store.open_db(db_path, readonly=True)
        def stored_as(p: str) -> str:  # as stored, or as a path from here (stored relative to the root)
            return p if db["sources"].count_where("path = ?", [p]) else store.path_key(db, p)
        paths = [stored_as(p) for p in sources] or [r["path"] for r in db.query("select path from sources order by path")]
        unknown = [p for p in paths if not db["sources"].count_where("path = ?", [p])]
        if unknown:
            raise click.UsageError(f"not stored in {db_path}: {', '.join(unknown)}")
        results = (store.load_result(db, p) for p in paths)
    else:
        from pipeline.run import parse as parse_file

        def parsed():
            for f in files:
                try:
                    yield parse_file(f)
                except VanbanError as exc:
                    raise click.ClickException(f"{f}: {exc}") from exc
        results = parsed()
    pages = write_pages(results, out_dir)
    click.echo(f"{len(pages)} pages -> {out_dir / 'index.html'}")


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--metadata", "metadata_path", type=click.Path(path_type=Path),
              help="Where to write the datasette metadata  [default: beside the database]")
@click.option("--write-metadata", is_flag=True, help="Only write the metadata file, do not start datasette.")
def serve(db_path: str, host: str, port: int, metadata_path: Path | None, write_metadata: bool) -> None:
    """Browse the database in datasette, with descriptions of every table and column, facets and search
    (needs the extra: pip install 'vanban[serve]')."""
    import subprocess

    from pipeline import serve as srv
    metadata_path = metadata_path or Path(db_path).with_name(Path(db_path).stem + ".metadata.json")
    srv.write_metadata(metadata_path, Path(db_path).stem)
    if write_metadata:
        click.echo(f"metadata -> {metadata_path}")
        return
    if not srv.available():
        raise click.ClickException("datasette is not installed: pip install 'vanban[serve]'")
    click.echo(f"serving {db_path} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    try:
        sys.exit(subprocess.call(srv.command(db_path, metadata_path, host, port)))
    except KeyboardInterrupt:
        sys.exit(130)


@cli.command()
@click.option("--tables", is_flag=True, help="Print the data dictionary of the database instead: every table, "
                                             "view and column, and the values of every enum.")
def schema(tables: bool) -> None:
    """Print the JSON Schema of the export (one source file's JSON), or with --tables the database's."""
    if tables:
        from pipeline.dictionary import format_tables
        click.echo(format_tables())
        return
    from schemas import ParseResult
    click.echo(json.dumps(ParseResult.model_json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as a JSON object.")
def stats(db_path: str, as_json: bool) -> None:
    """Counts of sources, documents, sections, blocks, facts and errors in the database."""
    from pipeline.export import db_stats
    counts = db_stats(db_path)
    if as_json:
        click.echo(json.dumps(counts))
        return
    for name, value in counts.items():
        click.echo(f"{name:<14} {value}")


@cli.command()
@click.argument("query")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON (one list).")
def search(query: str, db_path: str, limit: int, as_json: bool) -> None:
    """Full-text search over every paragraph (header, preamble, sections, signature, annexes).

    FTS5 syntax: words (all must match), "a phrase", prefix*, OR, NOT, NEAR(a b, 5), parentheses.
    A word with diacritics matches that spelling (`số` is not `sở`); without them every spelling
    (`ke hoach` finds `kế hoạch`). Exit status 1 when nothing matched.
    """
    from pipeline import store
    try:
        hits = store.search(store.open_db(db_path, readonly=True), query, limit)
    except store.SearchSyntaxError as exc:
        raise click.UsageError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
    for row in [] if as_json else hits:
        page = f" p.{row['page']}" if row["page"] else ""
        where = f"§{row['section']}" if row["section"] else row["kind"]
        if row["layout"] == "table_cell":
            where += f"  table {row['table_no']} row {row['row']} col {row['col']}"
        click.echo(f"{Path(row['source']).name}{page}  {row['number'] or '-'}  {where}")
        click.echo(f"    {row['excerpt']}")
    if not hits:
        click.echo(f"no match for {query!r} in {db_path}", err=True)
        sys.exit(1)


@cli.command("eval")
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of gold JSON files, one per source file (the format of ../shared/gold/).")
@click.option("--pred", "pred_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of predicted JSON (`vanban export` output); without it the source files are parsed.")
@click.option("--misses", is_flag=True, help="List every missed and extra fact.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@limit_options(with_timeout=False)
def eval_(sources: tuple[Path, ...], gold_dir: Path, pred_dir: Path | None, misses: bool, as_json: bool,
          max_size_mb: float, max_pages: int) -> None:
    """Precision, recall and F1 per fact type and accuracy per metadata field against gold answers.

    Without --pred, each gold file's source file (its "file" field) is looked for under SOURCES
    (files or folders) and beside the gold files, and parsed. The rules are those of
    ../shared/tools/score.py, and the figures agree with it.
    """
    from pipeline.evaluate import evaluate_predictions, evaluate_sources, format_report
    if pred_dir and sources:
        raise click.UsageError("give either --pred or source files, not both")
    unscored: list[str] = []
    with _limits(max_size_mb, max_pages):
        if pred_dir:
            result = evaluate_predictions(gold_dir, pred_dir, with_misses=misses, unscored=unscored)
        else:
            result = evaluate_sources(gold_dir, sources, with_misses=misses, unscored=unscored)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_report(result))
    if not result["files"]:
        click.echo(f"error: no gold files (*.json) in {gold_dir}", err=True)
        sys.exit(1)
    if unscored:
        # A gold file without its source scores as all misses: the figures above are not the pipeline's.
        click.echo(f"error: {len(unscored)} of {result['files']} gold files could not be scored "
                   "(counted above as all missed):", err=True)
        for line in unscored:
            click.echo(f"  {line}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--workers", "-j", type=click.IntRange(min=1), multiple=True,
              help="Worker counts to time the batch runner with (repeatable)  [default: 1 and the machine's cores]")
@click.option("--processes/--no-processes", default=True, show_default=True,
              help="Also time `vanban ingest` and bare pdfplumber started as commands of their own.")
@click.option("--growth/--no-growth", default=True, show_default=True,
              help="Also time synthetic documents 1x, 4x and 16x the largest one given (growth exponent).")
@limit_options()
def bench(paths: tuple[Path, ...], workers: tuple[int, ...], processes: bool, growth: bool, max_size_mb: float,
          max_pages: int, timeout: float, max_memory_mb: float | None) -> None:
    """Speed on PATHS, side by side in one run: vanban end to end, its reader alone, bare pdfplumber and
    raw pypdfium2 text on the same PDFs; documents and characters per second per core; whole-process
    ingest; growth with document size; the batch runner and peak memory per worker."""
    from pipeline.bench import GROWTH_FACTORS
    from pipeline.bench import bench as run_bench
    from pipeline.bench import format_report
    click.echo(f"vanban bench on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with _limits(max_size_mb, max_pages, timeout, max_memory_mb):
        report = run_bench(paths, workers, processes=processes, growth_factors=GROWTH_FACTORS if growth else ())
        click.echo(format_report(report))


@cli.command()
@click.argument("number")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print documents, cites and cited_by as JSON "
                                                       "(rows of the view citation_graph).")
def refs(number: str, db_path: str, as_json: bool) -> None:
    """What the document NUMBER cites and what cites it (`vanban refs 61-CTr/TU`).

    Exit status 1 when no document has that number and nothing cites it.
    """
    from pipeline import store
    found = store.citations(store.open_db(db_path, readonly=True), number)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        sys.exit(0 if found["documents"] or found["cited_by"] else 1)
    if not found["documents"] and not found["cited_by"]:
        click.echo(f"{number}: no document and no reference with this number in {db_path}")
        sys.exit(1)
    if not found["documents"]:
        click.echo(f"{number}: not in the database")
    for d in found["documents"]:
        click.echo(f"{d['number']}  {d['doc_type'] or '-'}  {d['issuer'] or '-'}  {d['issued_date'] or '-'}"
                   f"  ({Path(d['source']).name}, ord {d['ord']})")
    click.echo(f"cites ({len(found['cites'])}):")
    for r in found["cites"]:
        where = f"{Path(r['cited_source']).name}, ord {r['cited_ord']}" if r["resolved"] else "not in the database"
        click.echo(f"  -> {r['cited_number'] or r['cited_title']}  {r['cited_doc_type'] or '-'}  {r['cited_date'] or '-'}"
                   f"  {r['cited_issuer'] or '-'}  [{where}]")
    click.echo(f"cited by ({len(found['cited_by'])}):")
    for r in found["cited_by"]:
        link = "" if r["resolved"] else "  [names the number, not matched to a stored document]"
        click.echo(f"  <- {r['citing_number'] or '(no number)'}  {r['citing_doc_type'] or '-'}  {r['citing_issuer'] or '-'}"
                   f"  ({Path(r['citing_source']).name}, ord {r['citing_ord']}){link}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
