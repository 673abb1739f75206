"""The write layer: the only code that changes a child's record.

The rule: every change to a child's record (a report, a grading, a find, a completion,
an interview, a meeting, a placement, a Find Me plan, a risk assessment, a restriction)
is a function in this package. Nothing else saves those records, appends an event to a
child's timeline or re-evaluates obligations. Each function, in one transaction:

1. locks the child's row (``timeline.lock_child``; an episode's change locks the child,
   then the episode: the one order every writer takes, so no two deadlock);
2. checks the change, refusing it with a ``ValidationError`` that names the form's field;
3. saves the record and appends its events (``timeline.append``);
4. re-evaluates the child's protocol and stores the obligations, and queues the messages
   for whoever a newly open obligation falls to (``timeline.finish``).

Either the whole change is recorded and the obligations agree with it, or nothing is.
Pages (``homeward.web``) and the partner API (``homeward.api``) call these functions with
what a person or partner system sent; reads live in ``homeward.queries``.

One module per concept, in the practitioners' words: ``episodes`` (report, reclassify,
police informed, found, a force's own report and the MASH's confirmation of it, a report
withdrawn as made in error), ``risk``, ``obligations`` (closing a duty), ``interviews``,
``meetings``, ``placements`` (and their risk assessments), ``find_me``, ``children``,
``restrictions`` (which also takes the child's name out of the inbox of people it now
refuses), ``versions`` (the version check of the API's ``expected_version`` and the pages' hidden
``version``: a change made on an old version is refused, never a silent overwrite); ``timeline``
and ``evaluation``
are the machinery they share.
"""
