"""Barriers and testimonies of the demo process, written as residents and operators would write them.

Everything here is invented. Each entry keeps the language it was written in.
"""

from __future__ import annotations

from ..barriers.models import EvidenceKind, Frequency, Severity

# (service name prefix, language, text, category positions, frequency, severity, groups affected, author)
BARRIERS = (
    (
        "Anagrafe",
        "ar",
        "ذهبت إلى مكتب الأنغرافي ثلاث مرات ولم يشرح لي أحد ما هي الأوراق المطلوبة. في كل مرة يطلبون ورقة جديدة.",
        (2, 3),
        Frequency.OFTEN,
        Severity.VERY_SERIOUS,
        "العائلات التي وصلت حديثاً",
        "participant",
    ),
    (
        "Anagrafe",
        "zh",
        "办理居住登记要先在网上预约，但是网站只有意大利语，我看不懂，也不知道该打电话找谁。",
        (1, 6),
        Frequency.ALWAYS,
        Severity.SERIOUS,
        "不会说意大利语的老人和家庭主妇",
        "participant",
    ),
    (
        "Medico di famiglia",
        "uk",
        "Щоб записатися до сімейного лікаря, потрібна реєстрація за місцем проживання, а в нас тимчасовий "
        "договір оренди. Ми вже пів року без лікаря.",
        (4, 3),
        Frequency.ALWAYS,
        Severity.BLOCKS_ACCESS,
        "сім'ї з тимчасовим захистом",
        "participant",
    ),
    (
        "Medico di famiglia",
        "bn",
        "সিইউপি-তে ফোন করলে কেউ ধরে না, আর অনলাইনে বুক করতে SPID লাগে। আমার SPID নেই, তাই প্রতিবার অফিসে গিয়ে "
        "লাইনে দাঁড়াতে হয়।",
        (6, 2),
        Frequency.OFTEN,
        Severity.SERIOUS,
        "যাঁরা কাজের জন্য দিনের বেলা অফিসে যেতে পারেন না",
        "participant",
    ),
    (
        "Medico di famiglia",
        "en",
        "The booking centre gave me an appointment in another town, 40 km away. Without a car it is impossible "
        "to get there in the morning.",
        (8,),
        Frequency.OFTEN,
        Severity.SERIOUS,
        "People without a car, night-shift workers",
        "participant",
    ),
    (
        "Iscrizione scolastica",
        "sq",
        "Shkolla na dha formularët vetëm në italisht dhe sekretaria foli shumë shpejt. Nuk e kuptova që duhej "
        "të sillja vërtetimin e vaksinave.",
        (1, 9),
        Frequency.SOMETIMES,
        Severity.SERIOUS,
        "prindërit që nuk flasin italisht",
        "participant",
    ),
    (
        "Iscrizione scolastica",
        "it",
        "Molte mamme non sanno che un figlio si può iscrivere anche a metà anno. In segreteria a volte dicono di "
        "aspettare settembre, così i bambini perdono mesi di scuola.",
        (2, 10),
        Frequency.OFTEN,
        Severity.VERY_SERIOUS,
        "Bambini arrivati durante l'anno scolastico",
        "organisation",
    ),
    (
        "Questura",
        "fr",
        "Pour le renouvellement du titre de séjour, il faut faire la queue dès 5 heures du matin. J'ai perdu deux "
        "journées de travail et mon patron n'est pas content.",
        (8, 5),
        Frequency.ALWAYS,
        Severity.VERY_SERIOUS,
        "Travailleurs avec des horaires fixes",
        "participant",
    ),
    (
        "Questura",
        "ro",
        "Am primit o scrisoare de la Questura, dar nu am înțeles ce trebuie să fac. La ghișeu nimeni nu a avut "
        "timp să-mi explice.",
        (1, 2),
        Frequency.SOMETIMES,
        Severity.SERIOUS,
        "Persoane care citesc greu în italiană",
        "participant",
    ),
    (
        "Questura",
        "es",
        "Nos tratan como si estuviéramos haciendo algo malo. El funcionario le gritó a una señora que no entendía "
        "el italiano.",
        (7, 11),
        Frequency.SOMETIMES,
        Severity.VERY_SERIOUS,
        "Todas las personas extranjeras, sobre todo las mujeres solas",
        "participant",
    ),
)

# (index of the barrier it supports, kind, language, text, anonymised source)
TESTIMONIES = (
    (
        0,
        EvidenceKind.TESTIMONY,
        "ar",
        "قالت لي الموظفة: ارجعي عندما تتكلمين الإيطالية. خرجت وأنا أبكي.",
        "Partecipante al laboratorio, donna",
    ),
    (
        1,
        EvidenceKind.TESTIMONY,
        "zh",
        "我女儿十二岁，每次都是她给我翻译。她不应该为了这个请假不去上学。😔",
        "Madre, laboratorio sui servizi",
    ),
    (
        2,
        EvidenceKind.TESTIMONY,
        "uk",
        "Донька захворіла вночі, і ми пішли в приймальне відділення, бо іншого лікаря в нас немає.",
        "Partecipante al laboratorio",
    ),
    (
        3,
        EvidenceKind.TESTIMONY,
        "bn",
        "তিনবার ছুটি নিয়ে অফিসে গেছি, প্রতিবার বলেছে কাল আসুন।",
        "Lavoratore, laboratorio serale",
    ),
    (
        6,
        EvidenceKind.OBSERVATION,
        "it",
        "Allo sportello arrivano ogni settimana famiglie con i moduli compilati a "
        "metà: le istruzioni sono solo sul sito e solo in italiano.",
        "Operatrice della segreteria scolastica",
    ),
    (
        7,
        EvidenceKind.SURVEY_ANSWER,
        "fr",
        "Trois fois de suite on m'a dit de revenir le lendemain.",
        "Questionario delle associazioni",
    ),
)

# (pseudonym, self-declared role, languages)
PARTICIPANTS = (
    ("Girasole", "resident", ["ar", "it"]),
    ("Bambù", "resident", ["zh"]),
    ("Kalyna", "resident", ["uk", "en"]),
    ("", "resident", ["bn"]),
    ("Mare", "association_member", ["sq", "it"]),
    ("", "operator", ["it"]),
    ("Cedro", "resident", ["fr", "ro", "es", "en"]),
)

# Translations made by the demo's mediator: (kind, index among the barriers or proposals, language, texts, how).
# "reviewed" is checked by a person; "machine" is an unreviewed machine draft waiting in the queue.
TRANSLATIONS = (
    (
        "barrier",
        0,
        "it",
        {
            "text": "Sono andata all'anagrafe tre volte e nessuno mi ha spiegato quali documenti servono. "
            "Ogni volta chiedono un foglio nuovo.",
            "groups_affected": "Le famiglie appena arrivate",
        },
        "reviewed",
    ),
    (
        "barrier",
        1,
        "it",
        {
            "text": "Per la residenza bisogna prenotare online, ma il sito è solo in italiano: non lo capisco "
            "e non so nemmeno chi chiamare.",
            "groups_affected": "Anziani e casalinghe che non parlano italiano",
        },
        "reviewed",
    ),
    (
        "barrier",
        2,
        "it",
        {
            "text": "Per iscriversi al medico di famiglia serve la residenza, ma noi abbiamo un contratto "
            "d'affitto temporaneo. Siamo senza medico da sei mesi.",
            "groups_affected": "Famiglie con protezione temporanea",
        },
        "reviewed",
    ),
    (
        "barrier",
        3,
        "it",
        {
            "text": "Se chiamo il CUP nessuno risponde, e per prenotare online serve lo SPID. Non ho lo SPID, "
            "quindi ogni volta devo andare allo sportello e fare la fila.",
            "groups_affected": "Chi non può andare in ufficio di giorno per lavoro",
        },
        "machine",
    ),
    (
        "proposal",
        0,
        "ar",
        {
            "change": "قائمة واضحة بالوثائق المطلوبة للإقامة، بعشر لغات، على الموقع وفي المكتب.",
            "who_acts": "مكتب السجل المدني في البلدية، مع الجمعيات",
            "resources": "وسيطات ثقافيات للترجمة، ونصف يوم عمل للمكتب",
            "timeline": "قبل شهر يناير",
            "expected_effect": "العائلات التي وصلت حديثاً لن تضطر للعودة إلى المكتب ثلاث مرات.",
        },
        "reviewed",
    ),
    (
        "proposal",
        1,
        "it",
        {
            "change": "Permettere l'iscrizione al medico di famiglia con un contratto d'affitto temporaneo.",
            "who_acts": "ASL e Comune",
            "timeline": "Entro sei mesi",
            "expected_effect": "Le famiglie con protezione temporanea avranno un medico.",
        },
        "reviewed",
    ),
)


#: How the demo's recommendations quote the testimonies (redacted where a detail could identify someone), with
#: the reviewed Italian translation of each.
QUOTES = {
    "ar": (
        "قالت لي: ارجعي عندما تتكلمين الإيطالية. خرجت وأنا أبكي.",
        "Mi ha detto: torna quando parlerai italiano. Sono uscita piangendo.",
    ),
    "zh": (
        "我女儿十二岁，每次都是她给我翻译。她不应该为了这个请假不去上学。😔",
        "Mia figlia ha dodici anni e ogni volta traduce lei per me. Non dovrebbe saltare la scuola per questo. 😔",
    ),
    "uk": (
        "Донька захворіла вночі, і ми пішли в приймальне відділення, бо іншого лікаря в нас немає.",
        "Mia figlia si è ammalata di notte e siamo andati al pronto soccorso, perché non abbiamo un altro medico.",
    ),
    "bn": (
        "তিনবার ছুটি নিয়ে অফিসে গেছি, প্রতিবার বলেছে কাল আসুন।",
        "Ho preso tre giorni di permesso per andare all'ufficio, e ogni volta mi hanno detto di tornare domani.",
    ),
}


#: The demo mediator's reviewed Arabic translation of the two recommendations, in their order.
RECOMMENDATIONS_IN_ARABIC = (
    {
        "title": "وثائق الإقامة واضحة، بعشر لغات",
        "problem": "العائلات التي وصلت حديثاً تعود **ثلاث مرات** إلى شباك السجل المدني لأن أحداً لا يقول ما هي "
        "الوثائق المطلوبة، والموقع باللغة الإيطالية فقط.",
        "proposed_change": "قائمة بالوثائق المطلوبة للإقامة:\n\n- بعشر لغات، على الموقع وفي الشباك\n"
        "- تُعدّ مع الوسيطات الثقافيات في الجمعيات",
    },
    {
        "title": "طبيب الأسرة حتى مع عقد إيجار مؤقت",
        "problem": "من لديه عقد إيجار مؤقت لا يستطيع التسجيل لدى طبيب الأسرة: عائلات تحت الحماية المؤقتة تبقى "
        "**أشهراً بلا طبيب**.",
        "proposed_change": "السماح بالتسجيل لدى طبيب الأسرة بعقد إيجار مؤقت.",
    },
)
