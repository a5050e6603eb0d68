"""The parts the council report of a process and its letters are built from, each as plain data: what is read
from the database for them (:mod:`.sources`, in a fixed number of queries), the barriers by service
(:mod:`.services`), which service each recommendation is printed under (:mod:`.grouping`), a recommendation as
printed (:mod:`.items`), the letters (:mod:`.letters`) and who took part (:mod:`.participation`).

:func:`toolkit.recommendations.documents.document_set` puts them together, in the document's language.
"""
