package org.mistyproxy.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    /** Expires once at its deadline and then leaves the list, as a request does. */
    private static final class Item extends Deadlines.Watched {
        final long at;
        final List<Item> expired;

        Item(long at, List<Item> expired) {
            this.at = at;
            this.expired = expired;
        }

        @Override void expired(long now) {
            expired.add(this);
            unwatch();
        }
    }

    @Test
    void everyPassedDeadlineFiresOnceAndRemovalsKeepTheOthers() {
        Deadlines.OnThread list = new Deadlines.OnThread(null); // checked by hand: no IO thread ticks it
        List<Item> expired = new ArrayList<>();
        long past = System.nanoTime() - 1;
        long future = System.nanoTime() + 3_600_000_000_000L;
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Item it = new Item(i % 3 == 0 ? past : future, expired);
            items.add(it);
            it.watch(it.at, list);
            it.watch(it.at, list); // watching twice is harmless
        }
        List<Item> disarmed = new ArrayList<>();
        for (int i = 1; i < 200; i += 7) {
            items.get(i).unwatch(); // disarmed before the tick
            disarmed.add(items.get(i));
        }
        list.check();
        long due = items.stream().filter(it -> it.at == past && !disarmed.contains(it)).count();
        assertEquals(58, due);
        assertEquals(due, expired.size());
        assertEquals(due, expired.stream().distinct().count());
        assertEquals(200 - due - disarmed.size(), list.size());
        list.check();
        assertEquals(due, expired.size(), "nothing fires twice");
    }
}
