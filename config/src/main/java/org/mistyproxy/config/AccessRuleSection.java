package org.mistyproxy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a deployment's {@code access_rules} list: who may instantiate it. */
final class AccessRuleSection {
    static final List<String> FIELDS = List.of("cap", "user");

    private final Scalars scalars;
    private final String fileName;

    AccessRuleSection(Scalars scalars, String file) {
        this.scalars = scalars;
        Path name = Path.of(file).getFileName();
        this.fileName = name == null ? file : name.toString();
    }

    /** The rules in file order; each names a configured user (a typo would silently lock someone out) or {@code *}. */
    List<AccessRule> read(Node node, String path, Set<String> userNames) {
        List<AccessRule> out = new ArrayList<>();
        scalars.list(node, path).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                String p = Problems.index(path, i);
                Node item = items.get(i);
                Fields.of(item, p, scalars, FIELDS).ifPresent(f -> {
                    Optional<String> cap = f.required("cap").flatMap(n -> scalars.nonEmptyString(n, f.path("cap")).filter(s -> {
                        boolean ok = AccessRule.isCapability(s);
                        if (!ok) {
                            scalars.problems().add(n.at(), f.path("cap"), "must be " + Node.quote(AccessRule.INSTANTIATE)
                                    + " or " + Node.quote(AccessRule.NO_INSTANTIATE) + ", got " + Node.quote(s));
                        }
                        return ok;
                    }));
                    Optional<String> user = f.required("user").flatMap(n -> scalars.nonEmptyString(n, f.path("user")).filter(s -> {
                        boolean ok = s.equals(AccessRule.EVERYONE) || userNames.contains(s);
                        if (!ok) {
                            scalars.problems().add(n.at(), f.path("user"), "must be \"*\" (every user) or the name of a user in "
                                    + "`users`, got " + Node.quote(s));
                        }
                        return ok;
                    }));
                    if (cap.isPresent() && user.isPresent()) {
                        out.add(new AccessRule(cap.get(), user.get(), fileName + ":" + item.at().line() + ":" + item.at().column()));
                    }
                });
            }
        });
        return out;
    }
}
