package org.mistyproxy.proxy.instances;
import org.mistyproxy.proxy.access.Admission;
import org.mistyproxy.proxy.access.CurrentConfig;

/** What {@link Instances} consults and tells about the owner's side of a loan: who may, what waits, whom to call. */
public record Loans(Admission admission, ReservationQueue queue, EventUrlNotifier notifier, CurrentConfig config) {}
