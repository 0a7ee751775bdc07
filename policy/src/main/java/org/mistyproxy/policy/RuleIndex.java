package org.mistyproxy.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the first rule that matches a method and canonical path. Rules with a plain uri are
 * looked up by hash; only the (usually few) pattern rules before that hit are tried in order, so
 * the answer is the same as a scan from the top.
 */
final class RuleIndex {
    private final Rule[] rules;
    private final Map<String, int[]> exact;
    private final int[] patterns;

    RuleIndex(Rule[] rules) {
        this.rules = rules;
        Map<String, List<Integer>> byPath = new HashMap<>();
        List<Integer> pats = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].uri.isExact()) {
                byPath.computeIfAbsent(rules[i].uri.text(), k -> new ArrayList<>()).add(i);
            } else {
                pats.add(i);
            }
        }
        this.exact = new HashMap<>();
        byPath.forEach((k, v) -> exact.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        this.patterns = pats.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The first matching rule, or null. */
    Rule find(int methodBit, String path) {
        int best = Integer.MAX_VALUE;
        int[] hits = exact.get(path);
        if (hits != null) {
            for (int i : hits) {
                if ((rules[i].methods & methodBit) != 0) {
                    best = i;
                    break;
                }
            }
        }
        for (int i : patterns) {
            if (i >= best) {
                break;
            }
            if ((rules[i].methods & methodBit) != 0 && rules[i].uri.matches(path)) {
                best = i;
                break;
            }
        }
        return best == Integer.MAX_VALUE ? null : rules[best];
    }
}
