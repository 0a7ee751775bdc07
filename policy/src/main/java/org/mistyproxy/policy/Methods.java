package org.mistyproxy.policy;

import java.util.ArrayList;
import java.util.List;

/** The HTTP methods a rule may name, as bits so a rule's set of verbs is one int. */
final class Methods {
    static final String[] NAMES = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};

    private Methods() {}

    /** The bit of a method (exact, upper case, as on the wire), or 0 if it is not one of ours. */
    static int bit(String method) {
        switch (method) {
            case "GET": return 1;
            case "POST": return 2;
            case "PUT": return 4;
            case "DELETE": return 8;
            case "PATCH": return 16;
            case "HEAD": return 32;
            case "OPTIONS": return 64;
            default: return 0;
        }
    }

    static String describe(int mask) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((mask & (1 << i)) != 0) {
                names.add(NAMES[i]);
            }
        }
        return String.join(", ", names);
    }
}
