package org.mistyproxy.proxy;

/** What {@link Instances} consults and tells about the owner's side of a loan: who may, what waits, whom to call. */
record Loans(Admission admission, ReservationQueue queue, EventUrlNotifier notifier, ApiUsers users) {}
