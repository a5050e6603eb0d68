"""The translators' queue and the side-by-side translation form."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access import Permission, access, form_page
from ..extensions import db
from ..forms import database_int, form_status, request_int, saving
from ..i18n import LANGUAGES
from ..processes.models import Process
from . import machine, operations
from .forms import QueueFilterForm, translation_form
from .models import MachineFailure, SourceKind, TranslationKind
from .operations import ItemState, QueueItem
from .sources import SOURCES

bp = Blueprint("translating", __name__, url_prefix="/t/<territory_slug>/translations")

PAGE_SIZE = 50


def _machine_failure(failure: MachineFailure | None) -> str:
    messages = {
        MachineFailure.TIMEOUT: _("The machine translation service did not answer in time."),
        MachineFailure.UNAVAILABLE: _(
            "The machine translation service could not be reached or answered with an error."
        ),
        MachineFailure.BAD_ANSWER: _(
            "The machine translation service answered with something that is not a translation."
        ),
        MachineFailure.LANGUAGE: _(
            "The machine translation service does not translate between these languages."
        ),
    }
    return messages.get(failure, messages[MachineFailure.TIMEOUT])


class Queue:
    """The queue as the filters of this request select it."""

    def __init__(self, args):
        self.processes = db.session.scalars(
            select(Process).order_by(Process.starts_on.desc(), Process.id.desc())
        ).all()
        process_id = database_int(args.get("process"))
        self.process = next((p for p in self.processes if p.id == process_id), None)
        if self.process is None and self.processes:
            self.process = self.processes[0]
        workshops = self.process.workshops if self.process else []
        self.form = QueueFilterForm(args, processes=self.processes, workshops=workshops)
        if self.process is not None:
            self.form.process_id.data = self.process.id
        self.workshop_id = (
            self.form.workshop.data if self.form.workshop.data in {w.id for w in workshops} else None
        )
        self.form.workshop.data = self.workshop_id or 0
        language = args.get("language")
        self.language = language if language in LANGUAGES else g.territory.default_locale
        self.form.language.data = self.language
        show = args.get("show")
        self.show = show if show in dict(self.form.show.choices) else "to_do"
        self.form.show.data = self.show
        self.all_items = (
            operations.queue(self.process, self.language, self.workshop_id) if self.process else []
        )
        self.items = [item for item in self.all_items if self._shown(item)]

    def _shown(self, item: QueueItem) -> bool:
        state = item.state
        return {
            "to_do": state.to_do,
            "to_review": state in (ItemState.DRAFT, ItemState.MACHINE_DRAFT),
            "all": True,
        }.get(self.show, state.value == self.show)

    def filters(self) -> dict:
        """The filters as URL parameters, so that the form leads back to the same list."""
        values = {"process": self.process.id if self.process else None, "show": self.show}
        if self.workshop_id:
            values["workshop"] = self.workshop_id
        return values

    def next_after(self, kind: SourceKind, source_id: int) -> QueueItem | None:
        """The next item of the list that still needs work, after the one just saved."""
        position = next(
            (i for i, item in enumerate(self.items) if item.kind is kind and item.record.id == source_id), -1
        )
        for item in [*self.items[position + 1 :], *self.items[:position]]:
            if item.state.to_do:
                return item
        return None


@bp.get("/")
@access(Permission.TRANSLATE)
def queue():
    """What is still to translate into one language, filtered by process and workshop, one row per text."""
    current = Queue(request.args)
    page = max(request_int(request.args, "page", 1), 1)
    shown = current.items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    states = Counter(item.state.value for item in current.all_items)
    failures = Counter(
        item.machine.failure or MachineFailure.TIMEOUT
        for item in current.all_items
        if item.machine_failed
        and (item.translation is None or item.translation.kind is TranslationKind.MACHINE)
    )
    return render_template(
        "translating/queue.html",
        queue=current,
        items=shown,
        page=page,
        page_size=PAGE_SIZE,
        pages=max(1, -(-len(current.items) // PAGE_SIZE)),
        states=states,
        failures=[(_machine_failure(failure), count) for failure, count in failures.items()],
        waiting=sum(1 for item in current.all_items if item.machine_waiting),
        askable=[item for item in current.all_items if machine.may_ask(item)] if machine.enabled() else [],
        machine_on=machine.enabled(),
    )


def _record(kind: str, source_id: int):
    if kind not in SourceKind.__members__.values():
        abort(404)
    source = SOURCES[SourceKind(kind)]
    record = source.load(source_id) or abort(404)
    visible = db.session.scalar(
        source.visible(record.process_id)
        .where(source.model.id == record.id)
        .with_only_columns(source.model.id)
    )
    if visible is None:
        abort(404)
    return source, record


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        abort(404)
    return lang


@bp.route("/<kind>/<int:source_id>/<lang>", methods=["GET", "POST"])
@access(Permission.TRANSLATE)
@form_page
def translate(kind: str, source_id: int, lang: str):
    """An original beside its translation: write it, correct a machine draft, or review it."""
    source, record = _record(kind, source_id)
    language = _language(lang)
    if not source.needs(record, language):
        flash(_("This text is already written in that language."), "info")
        return redirect(url_for("translating.queue", language=language, process=record.process_id))
    args = request.args.copy()
    args["language"], args["process"] = language, str(record.process_id)
    current = Queue(args)
    translation = operations.find(source, record, language)
    form = translation_form(source, record, language, data=translation.texts if translation else None)
    digest = source.digest(record)
    if not form.is_submitted():
        form.version.data = str(translation.version) if translation else "0"
        form.source_digest.data = digest
    conflict = None
    if form.validate_on_submit():
        conflict = _conflict(form, translation, digest)
        if conflict is None and _complete(form):
            saved = _save(form, source, record, language, translation)
            if not saved and form.form_errors and form.form_errors[-1] == _saved_meanwhile():
                conflict = form.form_errors[-1]
            if saved:
                flash(
                    _("The translation is saved as reviewed.") if form.reviewed else _("The draft is saved."),
                    "success",
                )
                following = current.next_after(source.kind, record.id)
                if following is None:
                    flash(_("Nothing else to do in this list."), "info")
                    return redirect(url_for("translating.queue", language=language, **current.filters()))
                return redirect(
                    url_for(
                        "translating.translate",
                        kind=following.kind.value,
                        source_id=following.record.id,
                        lang=language,
                        **current.filters(),
                    )
                )
            translation = operations.find(source, record, language)
            if conflict is not None:
                form.version.data = str(translation.version) if translation else "0"
    status = 409 if conflict is not None else form_status(form)
    return render_template(
        "translating/translate.html",
        source=source,
        record=record,
        language=language,
        translation=translation,
        state=operations.state_of(translation),
        form=form,
        conflict=conflict,
        queue=current,
        following=current.next_after(source.kind, record.id),
        machine_request=next(
            (i.machine for i in current.all_items if i.kind is source.kind and i.record.id == record.id), None
        ),
        machine_on=machine.enabled(),
    ), status


def _conflict(form, translation, digest: str) -> str | None:
    """Why the form cannot be saved as it is: the original changed, or someone saved meanwhile."""
    if form.source_digest.data != digest:
        form.source_digest.data = digest
        form.version.data = str(translation.version) if translation else "0"
        message = _("The original changed while you were translating. Check your translation against it.")
    elif form.version.data != (str(translation.version) if translation else "0"):
        form.version.data = str(translation.version) if translation else "0"
        message = _saved_meanwhile()
    else:
        return None
    form.form_errors.append(message)
    return message


def _complete(form) -> bool:
    texts = form.texts()
    if form.reviewed and not all(texts.values()):
        form.form_errors.append(_("Translate every part before saving it as reviewed."))
        return False
    if not any(texts.values()):
        form.form_errors.append(_("Write the translation first."))
        return False
    return True


def _saved_meanwhile() -> str:
    return _("Someone else saved this translation while you were writing. Nothing was overwritten.")


def _save(form, source, record, language, translation) -> bool:
    """Save the form; a translation saved by someone else (or the machine) in the same instant is a conflict."""
    try:
        with saving(form) as outcome:
            operations.save_translation(
                source,
                record,
                language,
                form.texts(),
                reviewed=form.reviewed,
                user=current_user,
                translation=translation,
            )
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        form.form_errors.append(_saved_meanwhile())
        return False
    return outcome.saved


def _ask(items, language: str) -> list[int]:
    """Record the machine requests and hand them to the worker; a second click racing the first asks nothing
    more."""
    try:
        asked = machine.ask(items, language)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return []
    machine.send(asked)
    return asked


@bp.post("/machine")
@access(Permission.TRANSLATE)
def ask_machine():
    """Ask the machine for drafts of every text of the list that nobody has translated yet."""
    current = Queue(request.form)
    if not machine.enabled():
        abort(404)
    asked = _ask([item for item in current.all_items if machine.may_ask(item)], current.language)
    flash(
        ngettext(
            "A machine draft was asked for %(num)d text. It will appear here when it arrives.",
            "Machine drafts were asked for %(num)d texts. They will appear here when they arrive.",
            len(asked),
        ),
        "info",
    )
    return redirect(url_for("translating.queue", language=current.language, **current.filters()))


@bp.post("/<kind>/<int:source_id>/<lang>/machine")
@access(Permission.TRANSLATE)
def ask_machine_one(kind: str, source_id: int, lang: str):
    """Ask the machine for a draft of one text."""
    source, record = _record(kind, source_id)
    language = _language(lang)
    if not machine.enabled():
        abort(404)
    item = next(
        (
            i
            for i in operations.queue(db.session.get(Process, record.process_id), language)
            if i.kind is source.kind and i.record.id == record.id
        ),
        None,
    )
    asked = _ask([item] if item is not None else [], language)
    if asked:
        flash(_("A machine draft was asked for. Reload the page in a moment to see it."), "info")
    args = {key: value for key, value in request.args.items() if key in ("process", "workshop", "show")}
    return redirect(url_for("translating.translate", kind=kind, source_id=source_id, lang=language, **args))
