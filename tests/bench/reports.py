"""`make bench`, second part: the council report of a process as a PDF, on a temporary SQLite database.

For processes of 20, 100 and 300 recommendations (barriers, testimonies and quotes in Italian, Arabic,
Chinese, Ukrainian and Bengali, most with a reviewed Italian translation): our whole pipeline
(``document_set`` + ``document_html`` + ``html_to_pdf``) against WeasyPrint alone laying out the same HTML,
the median of a few runs after one warm-up render, and the SQL queries ``document_set`` issues. Prints the
table and exits non-zero when a target is missed::

    python -m tests.bench.reports [--sizes 20,100,300]
"""

from __future__ import annotations

import argparse
import datetime
import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .machine import BUSY, OtherPrograms, description, wait_until_quiet

#: Targets of the issue.
MAX_OVERHEAD = 0.15
MAX_GROWTH = 3.3
MAX_SECONDS_100 = 20.0

LANGUAGES = ("it", "ar", "zh", "uk", "bn")

#: What people write about a service, in their own language, each with its Italian translation (None for the
#: Italian ones).
BARRIER_TEXTS = {
    "it": (
        (
            "Allo sportello nessuno spiega quali documenti servono: ogni volta chiedono un foglio diverso e "
            "bisogna tornare un altro giorno.",
            None,
        ),
        ("Gli appuntamenti si prenotano solo online e il sito è soltanto in italiano.", None),
        ("L'ufficio è aperto solo la mattina, quando la maggior parte di noi lavora.", None),
        ("Le lettere usano parole difficili e non dicono chi chiamare per chiedere spiegazioni.", None),
    ),
    "ar": (
        (
            "ذهبت إلى المكتب ثلاث مرات ولم يشرح لي أحد ما هي الأوراق المطلوبة. في كل مرة يطلبون ورقة جديدة.",
            "Sono andata all'ufficio tre volte e nessuno mi ha spiegato quali documenti servono. Ogni volta "
            "chiedono un foglio nuovo.",
        ),
        (
            "الحجز يتم فقط عبر الإنترنت، والموقع باللغة الإيطالية فقط، ولا أعرف لمن أتصل.",
            "Si prenota solo online, il sito è solo in italiano e non so chi chiamare.",
        ),
        (
            "المكتب مفتوح في الصباح فقط، وأنا أعمل في هذا الوقت ولا أستطيع أخذ إجازة.",
            "L'ufficio è aperto solo la mattina, quando lavoro, e non posso prendere un permesso.",
        ),
        (
            "لا يوجد مترجم في المكتب، وابني الصغير هو من يترجم لي كل شيء.",
            "In ufficio non c'è un interprete: è il mio figlio piccolo a tradurmi tutto.",
        ),
    ),
    "zh": (
        (
            "办理手续要先在网上预约，但是网站只有意大利语，我看不懂，也不知道该打电话找谁。",
            "Per la pratica bisogna prenotare online, ma il sito è solo in italiano: non lo capisco e non so "
            "chi chiamare.",
        ),
        (
            "窗口的工作人员说话很快，我没听懂需要带哪些文件，只好又跑了一趟。",
            "L'impiegato allo sportello parlava veloce, non ho capito quali documenti portare e sono dovuta "
            "tornare.",
        ),
        (
            "办公室只在上午开门，我在餐馆工作，每次都要请假。",
            "L'ufficio apre solo la mattina; lavoro in un ristorante e ogni volta devo chiedere un permesso.",
        ),
        (
            "收到的信都是意大利语，写得很复杂，不知道应该找谁帮忙。",
            "Le lettere sono in italiano e molto complicate: non so a chi chiedere aiuto.",
        ),
    ),
    "uk": (
        (
            "Щоб записатися, потрібна реєстрація за місцем проживання, а в нас лише тимчасовий "
            "договір оренди.",
            "Per iscriversi serve la residenza, ma noi abbiamo solo un contratto d'affitto temporaneo.",
        ),
        (
            "На сайті вся інформація тільки італійською, а телефоном ніхто не відповідає.",
            "Sul sito le informazioni sono solo in italiano e al telefono non risponde nessuno.",
        ),
        (
            "У черзі довелося стояти з шостої ранку, і все одно нас не прийняли.",
            "Abbiamo fatto la fila dalle sei del mattino e non ci hanno ricevuti lo stesso.",
        ),
        (
            "Працівниця сказала принести довідку, але не пояснила, де її взяти.",
            "L'impiegata mi ha detto di portare un certificato, ma non mi ha spiegato dove prenderlo.",
        ),
    ),
    "bn": (
        (
            "অফিসে ফোন করলে কেউ ধরে না, আর অনলাইনে বুক করতে SPID লাগে। আমার SPID নেই, তাই লাইনে দাঁড়াতে হয়।",
            "Se chiamo l'ufficio non risponde nessuno, e per prenotare online serve lo SPID. Non ce l'ho, "
            "quindi devo fare la fila.",
        ),
        (
            "কোন কাগজ লাগবে কেউ বুঝিয়ে বলে না, প্রতিবার নতুন কাগজ চায়।",
            "Nessuno spiega quali documenti servono: ogni volta ne chiedono uno nuovo.",
        ),
        (
            "অফিস শুধু সকালে খোলা থাকে, তখন আমি কাজে থাকি।",
            "L'ufficio è aperto solo la mattina, quando sono al lavoro.",
        ),
        (
            "চিঠিগুলো শুধু ইতালীয় ভাষায় লেখা, আমি কিছুই বুঝতে পারি না।",
            "Le lettere sono scritte solo in italiano e non capisco niente.",
        ),
    ),
}

GROUPS_AFFECTED = {
    "it": "Famiglie appena arrivate",
    "ar": "العائلات التي وصلت حديثاً",
    "zh": "不会说意大利语的老人和家庭主妇",
    "uk": "сім'ї з тимчасовим захистом",
    "bn": "যাঁরা দিনের বেলা কাজ করেন",
}

#: Testimonies, each with its Italian translation (None for the Italian ones).
TESTIMONY_TEXTS = {
    "it": (
        ("Ho perso tre mattine di lavoro per un certificato: ogni volta mancava un documento diverso.", None),
        ("Mia figlia di dodici anni mi fa da interprete anche dal medico. Non dovrebbe toccare a lei.", None),
        ("Allo sportello mi hanno detto di tornare quando avrei parlato meglio l'italiano.", None),
    ),
    "ar": (
        (
            "قالت لي الموظفة: ارجعي عندما تتكلمين الإيطالية. خرجت وأنا أبكي.",
            "L'impiegata mi ha detto: torna quando parlerai italiano. Sono uscita piangendo.",
        ),
        (
            "انتظرت أربعة أشهر موعداً، وعندما وصلت قالوا إن الورقة ناقصة.",
            "Ho aspettato quattro mesi un appuntamento e, quando sono arrivata, mi hanno detto che "
            "mancava un foglio.",
        ),
        (
            "لا أحد يشرح لنا حقوقنا، نعرف كل شيء من الجيران.",
            "Nessuno ci spiega i nostri diritti: sappiamo tutto dai vicini.",
        ),
    ),
    "zh": (
        (
            "我女儿十二岁，每次都是她给我翻译。她不应该为了这个请假不去上学。",
            "Mia figlia ha dodici anni e ogni volta traduce lei per me. Non dovrebbe saltare la scuola per "
            "questo.",
        ),
        ("我去了三次，每次都说缺一份文件。", "Ci sono andata tre volte e ogni volta mancava un documento."),
        (
            "网上预约的系统我不会用，也没有人教我。",
            "Non so usare il sistema di prenotazione online e nessuno me lo ha insegnato.",
        ),
    ),
    "uk": (
        (
            "Донька захворіла вночі, і ми пішли в приймальне відділення, бо іншого лікаря в нас немає.",
            "Mia figlia si è ammalata di notte e siamo andati al pronto soccorso, perché non abbiamo "
            "un altro medico.",
        ),
        (
            "Нам сказали прийти завтра, потім ще раз завтра. Так минув місяць.",
            "Ci hanno detto di tornare domani, poi ancora domani. Così è passato un mese.",
        ),
        (
            "Я не знала, що можна попросити перекладача. Ніхто про це не сказав.",
            "Non sapevo che si potesse chiedere un interprete. Nessuno me lo ha detto.",
        ),
    ),
    "bn": (
        (
            "তিনবার ছুটি নিয়ে অফিসে গেছি, প্রতিবার বলেছে কাল আসুন।",
            "Ho preso tre giorni di permesso per andare all'ufficio e ogni volta mi hanno detto di tornare "
            "domani.",
        ),
        (
            "ফর্মটা কীভাবে পূরণ করতে হয় কেউ দেখিয়ে দেয়নি।",
            "Nessuno mi ha mostrato come compilare il modulo.",
        ),
        (
            "আমার স্ত্রী ইতালীয় বলতে পারে না, তাই সে একা ডাক্তারের কাছে যেতে পারে না।",
            "Mia moglie non parla italiano, quindi non può andare dal medico da sola.",
        ),
    ),
}

TITLES = (
    "Documenti chiari, in più lingue",
    "Un mediatore culturale allo sportello",
    "Aperto anche il pomeriggio e il sabato",
    "Prenotare anche per telefono e allo sportello",
    "Lettere scritte in parole semplici",
    "Un interprete telefonico su richiesta",
    "Moduli tradotti e spiegati",
    "Formazione del personale sull'accoglienza",
    "Informazioni sul sito in più lingue",
    "Un punto di ascolto con le associazioni",
)

PROBLEMS = (
    "Le famiglie appena arrivate tornano **tre o quattro volte** allo sportello perché nessuno dice quali "
    "documenti servono, e le istruzioni sono solo in italiano.",
    "Chi lavora di giorno non riesce a usare il servizio: l'ufficio è aperto solo la mattina e per un "
    "appuntamento bisogna prendere *un giorno di permesso*.",
    "La prenotazione passa solo dal sito, che chiede lo SPID: molte persone straniere non lo hanno e "
    "**restano escluse** dal servizio.",
    "I figli minorenni fanno da interpreti ai genitori anche per questioni delicate, perché allo sportello "
    "non c'è un mediatore.",
    "Le lettere dell'ufficio usano un linguaggio amministrativo difficile: chi le riceve non capisce che "
    "cosa deve fare né *entro quando*.",
)

CHANGES = (
    "Un elenco dei documenti necessari, preparato con le mediatrici delle associazioni e tenuto aggiornato.",
    "Un pomeriggio a settimana di apertura, con un mediatore culturale presente almeno due ore.",
    "Una seconda strada per prenotare, senza SPID: per telefono o direttamente allo sportello.",
    "Un servizio di interpretariato telefonico che il personale può chiamare in ogni momento.",
    "Lettere riscritte in parole semplici, con un riassunto in più lingue e un numero da chiamare.",
)

FEASIBILITY = (
    "Il servizio dice che si può fare entro sei mesi con il personale attuale.",
    "Serve un accordo con le associazioni del territorio; il costo è contenuto.",
    "",
    "Richiede fondi regionali: il Comune può presentare domanda nel prossimo bando.",
)

ASSOCIATIONS = (
    "Associazione Donne del Mondo",
    "Comunità Senegalese",
    "Associazione Culturale Cinese Ponte",
    "Rete Ucraina",
    "Associazione Bangladesh Insieme",
)


def config(url: str) -> dict:
    return {
        "SECRET_KEY": "bench-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def problem_markdown(number: int, service_name: str, barriers: list, slug: str) -> str:
    languages = ", ".join(sorted({b.language for b in barriers}))
    return (
        f"{PROBLEMS[number % len(PROBLEMS)]}\n\n"
        f"Che cosa hanno raccontato le persone che hanno partecipato ai laboratori su «{service_name}»:\n\n"
        f"- {len(barriers)} barriere descritte, nelle lingue: {languages}\n"
        f"- le più colpite sono le {GROUPS_AFFECTED['it'].lower()} e chi lavora di giorno\n"
        "- anche gli operatori del servizio confermano il problema\n\n"
        "Le informazioni di oggi sono sulla "
        f"[pagina del servizio](https://www.comune.example.it/servizi/{slug})."
    )


def change_markdown(number: int) -> str:
    return (
        f"{CHANGES[number % len(CHANGES)]}\n\n"
        "Per cominciare:\n\n"
        "- provare la soluzione per tre mesi in un solo ufficio\n"
        "- chiedere un parere alle associazioni che hanno partecipato\n"
        "- misurare quante persone devono tornare una seconda volta\n\n"
        "Un esempio già in uso in un altro comune: "
        "[sportello multilingue](https://www.example.org/buone-pratiche/sportello-multilingue)."
    )


def build_process(size: int, translator) -> int:
    """A territory and its process with ``size`` recommendations and everything they rest on; its id."""
    from toolkit.barriers.models import (
        Barrier,
        BarrierStatus,
        BarrierSupport,
        Frequency,
        Severity,
        Testimony,
    )
    from toolkit.extensions import db
    from toolkit.processes.models import Phase, Process
    from toolkit.recommendations import operations
    from toolkit.recommendations.models import Priority, Recommendation
    from toolkit.services.models import BarrierCategory, Service
    from toolkit.territories.models import Organisation, OrganisationKind
    from toolkit.territories.operations import create_territory
    from toolkit.translating import operations as translating
    from toolkit.translating.models import SourceKind
    from toolkit.translating.sources import SOURCES
    from toolkit.workshops.models import Participant, ParticipantRole, Workshop, WorkshopState

    rng = random.Random(size)
    territory = create_territory(f"bench-{size}", f"Comune di Prova {size}", "Toscana", "it")
    db.session.flush()
    services = db.session.scalars(
        db.select(Service).where(Service.territory_id == territory.id).order_by(Service.id)
    ).all()
    categories = db.session.scalars(
        db.select(BarrierCategory)
        .where(BarrierCategory.territory_id == territory.id)
        .order_by(BarrierCategory.position)
    ).all()
    associations = [
        Organisation(territory_id=territory.id, name=name, kind=OrganisationKind.ASSOCIATION)
        for name in ASSOCIATIONS
    ]
    db.session.add_all(associations)
    process = Process(
        territory_id=territory.id,
        title=f"Servizi più vicini alle famiglie straniere ({size} raccomandazioni)",
        phase=Phase.RECOMMENDATIONS,
        services=list(services),
    )
    process.workshops.extend(
        Workshop(
            territory_id=territory.id,
            title=title,
            phase=phase,
            state=WorkshopState.CLOSED,
            starts_at=datetime.datetime(2026, 10, 10 + 7 * number, 17, 0, tzinfo=datetime.UTC),
        )
        for number, (title, phase) in enumerate(
            (
                ("Quali servizi sono più difficili da usare?", Phase.SERVICES),
                ("Che cosa ci ferma?", Phase.BARRIERS),
                ("Co-progettiamo con gli operatori", Phase.CODESIGN),
            )
        )
    )
    db.session.add(process)
    db.session.flush()
    workshop = process.workshops[1]
    roles = (ParticipantRole.RESIDENT,) * 4 + (ParticipantRole.ASSOCIATION_MEMBER, ParticipantRole.OPERATOR)
    participants = [
        Participant(
            territory_id=territory.id,
            workshop_id=process.workshops[number % 3].id,
            role=roles[number % len(roles)],
            languages=[LANGUAGES[number % len(LANGUAGES)], "it"],
            consent_version="2026-1",
        )
        for number in range(10 + size // 2)
    ]
    db.session.add_all(participants)
    db.session.flush()

    # About three barriers per recommendation: two on its main service, one on another.
    barriers, testimonies, translated = [], [], []
    for number in range(3 * size):
        recommendation_number, place = divmod(number, 3)
        service = services[
            recommendation_number % len(services)
            if place < 2
            else (7 * recommendation_number + 3) % len(services)
        ]
        language = LANGUAGES[number % len(LANGUAGES)]
        text, italian = BARRIER_TEXTS[language][number % 4]
        barrier = Barrier(
            territory_id=territory.id,
            process_id=process.id,
            workshop_id=workshop.id,
            service_id=service.id,
            text=text,
            language=language,
            frequency=list(Frequency)[number % len(Frequency)],
            severity=list(Severity)[number % len(Severity)],
            groups_affected=GROUPS_AFFECTED[language],
            participant_id=participants[number % len(participants)].id,
            categories=rng.sample(categories, rng.randint(1, 3)),
            status=BarrierStatus.KEPT if number % 3 else BarrierStatus.NEW,
        )
        barriers.append(barrier)
        if italian:
            translated.append((barrier, italian))
        text, _italian = TESTIMONY_TEXTS[language][number % 3]
        testimonies.append(
            Testimony(
                territory_id=territory.id,
                process_id=process.id,
                language=language,
                text=text,
                source="Partecipante al laboratorio",
                may_quote=True,
                barriers=[barrier],
            )
        )
    db.session.add_all(barriers + testimonies)
    db.session.flush()
    # Others saying "me too" (none to four of them), and a mediator's reviewed Italian for most of the rest.
    db.session.add_all(
        BarrierSupport(territory_id=territory.id, barrier_id=barrier.id, participant_id=participant.id)
        for barrier in barriers
        for participant in rng.sample(participants, rng.randint(0, 4))
        if participant.id != barrier.participant_id
    )
    for barrier, italian in translated:
        if rng.random() < 0.7:
            translating.save_translation(
                SOURCES[SourceKind.BARRIER], barrier, "it", {"text": italian}, reviewed=True, user=translator
            )

    owners = {o.id: o for o in db.session.scalars(db.select(Organisation))}
    for number in range(size):
        evidence = barriers[3 * number : 3 * number + 3]
        if number % 4 == 3:
            evidence.append(barriers[3 * number - 1])  # shared with the one before
        main = evidence[0].service
        recommendation = Recommendation(territory_id=territory.id, process_id=process.id, language="it")
        operations.save_recommendation(
            recommendation,
            title=f"{TITLES[number % len(TITLES)]}: {main.name['it']}",
            problem=problem_markdown(number, main.name["it"], evidence, f"servizio-{main.id}"),
            proposed_change=change_markdown(number),
            addressee=owners[main.owner_id],
            proposals=[],
            barriers=evidence,
            organisations=rng.sample(associations, rng.randint(1, 2)),
            priority=list(Priority)[number % len(Priority)],
            feasibility=FEASIBILITY[number % len(FEASIBILITY)],
            principles=([6], [6, 9], [9, 11], [11])[number % 4],
            respond_by=datetime.date(2027, 3, 31) + datetime.timedelta(days=15 * (number % 6)),
            editor_id=None,
        )
        quoted = testimonies[3 * number : 3 * number + 3]
        for testimony in rng.sample(quoted, rng.randint(1, 2)):
            quote = operations.add_quote(recommendation, testimony, testimony.text)
            italian = dict(TESTIMONY_TEXTS[testimony.language])[testimony.text]
            if italian and rng.random() < 0.6:
                translating.save_translation(
                    SOURCES[SourceKind.QUOTE], quote, "it", {"text": italian}, reviewed=True, user=translator
                )
    db.session.commit()
    return process.id


@dataclass
class Measured:
    size: int
    pages: int = 0
    queries: list[int] = field(default_factory=list)
    context: list[float] = field(default_factory=list)
    html: list[float] = field(default_factory=list)
    pdf: list[float] = field(default_factory=list)
    ours: list[float] = field(default_factory=list)
    weasyprint: list[float] = field(default_factory=list)
    last_html: str = ""

    @staticmethod
    def median(values: list) -> float:
        return statistics.median(values) if values else 0.0

    @property
    def overhead(self) -> float:
        ours = self.median(self.ours)
        return (ours - self.median(self.weasyprint)) / ours if ours else 0.0

    @property
    def before_weasyprint(self) -> float:
        """Share of ours spent before WeasyPrint starts: ``document_set`` and ``document_html``."""
        ours = self.median(self.ours)
        return (self.median(self.context) + self.median(self.html)) / ours if ours else 0.0


class QueryCounter:
    """Counts the statements sent to the database while ``counting`` is true."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.counting = False
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        if self.counting:
            self.count += 1


def weasyprint_alone(app, html: str) -> float:
    """Seconds WeasyPrint takes to lay ``html`` out by itself, with the same fetcher, base and PDF variant."""
    import weasyprint

    from toolkit import documents

    gc.collect()
    fetcher = documents.StaticFilesFetcher(app.static_folder, static_path="/static/")
    start = time.perf_counter()
    weasyprint.HTML(string=html, base_url=documents.DOCUMENT_BASE_URL, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return time.perf_counter() - start


def render_once(app, process_id: int, counter: QueryCounter, measured: Measured | None) -> None:
    """Our pipeline and WeasyPrint alone on the same HTML; timings go to ``measured`` (None: warm-up).

    The two take turns going first, run after run (the HTML of the run before is the same document)."""
    from toolkit import documents
    from toolkit.extensions import db
    from toolkit.processes.models import Process
    from toolkit.recommendations.documents import document_set

    alone_first = measured is not None and len(measured.ours) % 2 == 1
    if alone_first:
        alone = weasyprint_alone(app, measured.last_html)
    db.session.remove()  # a fresh session, as a worker starts with
    process = db.session.get(Process, process_id)
    gc.collect()
    counter.count, counter.counting = 0, True
    start = time.perf_counter()
    context = document_set(process, "it", version=1).report
    after_context = time.perf_counter()
    counter.counting = False
    html = documents.document_html("documents/report.html", language="it", **context)
    after_html = time.perf_counter()
    rendered = documents.html_to_pdf(html)
    end = time.perf_counter()
    if not alone_first:
        alone = weasyprint_alone(app, html)
    elif html != measured.last_html:
        raise SystemExit(f"N={measured.size}: the report's HTML changed from one run to the next")
    if measured is None:
        return
    measured.last_html = html
    measured.pages = rendered.pages
    measured.queries.append(counter.count)
    measured.context.append(after_context - start)
    measured.html.append(after_html - after_context)
    measured.pdf.append(end - after_html)
    measured.ours.append(end - start)
    measured.weasyprint.append(alone)


def machine() -> list[str]:
    import weasyprint

    return description(f"WeasyPrint {weasyprint.__version__}")


def report(results: list[Measured]) -> bool:
    """Print the table and the targets; true when every target is met."""
    median = Measured.median
    print()
    print(
        f"{'N':>5} {'pages':>6} {'HTML kB':>8} {'context s':>10} {'HTML s':>8} {'ours s':>8} "
        f"{'WeasyPrint s':>13} {'overhead':>9} {'queries':>8} {'context+HTML':>13}"
    )
    for m in results:
        queries = sorted(set(m.queries))
        print(
            f"{m.size:>5} {m.pages:>6} {len(m.last_html.encode()) / 1000:>8.0f} {median(m.context):>10.3f} "
            f"{median(m.html):>8.3f} {median(m.ours):>8.2f} {median(m.weasyprint):>13.2f} "
            f"{m.overhead:>9.1%} {'/'.join(map(str, queries)):>8} {m.before_weasyprint:>13.1%}"
        )
    print()
    runs = ", ".join(str(len(m.ours)) for m in results)
    print("ours = document_set (context) + document_html (HTML) + html_to_pdf;")
    print("WeasyPrint = WeasyPrint alone: HTML(...).write_pdf(pdf_variant='pdf/ua-1') on the same HTML;")
    print(f"overhead = (ours - WeasyPrint) / ours; medians of {runs} runs; queries: issued by document_set;")
    print("context+HTML = (document_set + document_html) / ours, the part of ours before WeasyPrint starts.")
    by_size = {m.size: m for m in results}
    ratio = None
    if 100 in by_size and 300 in by_size:
        ratio = median(by_size[300].ours) / median(by_size[100].ours)
        print(f"ratio ours(300)/ours(100): {ratio:.2f}")
    print()
    targets = [
        (
            f"overhead under {MAX_OVERHEAD:.0%} for every N",
            all(m.overhead < MAX_OVERHEAD for m in results),
            ", ".join(f"N={m.size}: {m.overhead:.1%}" for m in results),
        ),
    ]
    if ratio is not None:
        targets.append((f"ours(300) at most {MAX_GROWTH} x ours(100)", ratio <= MAX_GROWTH, f"{ratio:.2f}"))
    if 100 in by_size:
        seconds = median(by_size[100].ours)
        targets.append(
            (f"ours(100) under {MAX_SECONDS_100:.0f} s", seconds < MAX_SECONDS_100, f"{seconds:.2f} s")
        )
    for name, passed, detail in targets:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
    missed = [name for name, passed, _ in targets if not passed]
    print("targets met" if not missed else "target missed: " + "; ".join(missed))
    return not missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="20,100,300",
        type=lambda value: [int(part) for part in value.split(",") if part.strip()],
        help="numbers of recommendations, comma-separated (default: 20,100,300)",
    )
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))

    from toolkit import create_app
    from toolkit.accounts import operations as accounts
    from toolkit.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="toolkit-bench-reports-"))
    try:
        print("\n".join(machine()))
        app = create_app(config(f"sqlite:///{workdir / 'reports.sqlite'}"))
        with app.app_context():
            db.create_all()
            translator = accounts.create_user("mediatrice@example.org", "Mediatrice di prova")
            db.session.flush()
            processes = {}
            for size in sizes:
                started = time.perf_counter()
                processes[size] = build_process(size, translator)
                print(
                    f"process of {size} recommendations stored in {time.perf_counter() - started:.1f} s",
                    flush=True,
                )
            counter = QueryCounter(db.engine)
            print("warm-up render ...", flush=True)
            render_once(app, processes[sizes[0]], counter, None)
            busy = wait_until_quiet("the figures will be high")
            print(f"CPU busy in the second before the measurements: {busy:.0%}", flush=True)
            others = OtherPrograms()
            results = []
            for size in sizes:
                measured = Measured(size)
                runs = 3 if size <= 20 else 2
                for run in range(1, runs + 1):
                    render_once(app, processes[size], counter, measured)
                    print(
                        f"N={size} run {run} of {runs}: ours {measured.ours[-1]:.2f} s (document_set "
                        f"{measured.context[-1]:.3f} s, document_html {measured.html[-1]:.3f} s, html_to_pdf "
                        f"{measured.pdf[-1]:.2f} s), WeasyPrint alone {measured.weasyprint[-1]:.2f} s",
                        flush=True,
                    )
                results.append(measured)
            busy = others.share()
            db.session.remove()
            db.engine.dispose()
        print(
            f"\nother programs used {busy:.0%} of the CPU during the measurements"
            + ("  (the figures are higher than on a quiet machine)" if busy > BUSY else "")
        )
        return 0 if report(results) else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
