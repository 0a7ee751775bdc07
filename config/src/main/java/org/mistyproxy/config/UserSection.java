package org.mistyproxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads one entry of the {@code users} list. */
final class UserSection {
    static final List<String> FIELDS = List.of("name", "role", "token_sha256");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final Scalars scalars;

    UserSection(Scalars scalars) {
        this.scalars = scalars;
    }

    Optional<User> read(Node node, String path, Uniqueness names, Uniqueness tokens) {
        Optional<Fields> of = Fields.of(node, path, scalars, FIELDS);
        if (of.isEmpty()) {
            return Optional.empty();
        }
        Fields f = of.get();
        Problems problems = scalars.problems();
        Optional<String> name = f.required("name").flatMap(n -> scalars.nonEmptyString(n, f.path("name")).filter(s -> {
            if (!User.isValidName(s)) {
                problems.add(n.at(), f.path("name"), "must be 1 to 64 letters, digits, . _ @ or -, got " + Node.quote(s));
                return false;
            }
            names.claim(s, Node.quote(s), n.at(), f.path("name"), path);
            return true;
        }));
        Role role = f.get("role").flatMap(n -> scalars.string(n, f.path("role")).flatMap(s -> {
            switch (s) {
                case "owner": return Optional.of(Role.OWNER);
                case "user": return Optional.of(Role.USER);
                default:
                    problems.add(n.at(), f.path("role"), "must be \"owner\" or \"user\", got " + Node.quote(s));
                    return Optional.empty();
            }
        })).orElse(Role.USER);
        List<String> hashes = new ArrayList<>();
        boolean hashesOk = f.required("token_sha256").map(n -> {
            String key = f.path("token_sha256");
            if (!(n instanceof Node.Sequence)) {
                return hash(n, key, tokens, path).map(hashes::add).isPresent();
            }
            List<Node> items = ((Node.Sequence) n).items();
            if (items.isEmpty()) {
                problems.add(n.at(), key, "must hold at least one token hash");
                return false;
            }
            boolean all = true;
            for (int i = 0; i < items.size(); i++) {
                Optional<String> h = hash(items.get(i), Problems.index(key, i), tokens, path);
                h.ifPresent(hashes::add);
                all &= h.isPresent();
            }
            return all;
        }).orElse(false);
        if (name.isEmpty() || !hashesOk) {
            return Optional.empty();
        }
        return Optional.of(new User(name.get(), role, hashes));
    }

    /** One token hash: 64 hex digits, unique among all users' tokens, stored lower-case. */
    private Optional<String> hash(Node n, String key, Uniqueness tokens, String owner) {
        return scalars.string(n, key).flatMap(s -> {
            if (!SHA256_HEX.matcher(s).matches()) {
                scalars.problems().add(n.at(), key, "must be 64 hexadecimal digits (the SHA-256 of the"
                        + " API token, as printed by \"mistyproxy token new\"), got " + notHex(s));
                return Optional.empty();
            }
            String lower = s.toLowerCase(Locale.ROOT);
            tokens.claim(lower, "", n.at(), key, owner);
            return Optional.of(lower);
        });
    }

    /** What is wrong with a would-be hash, without echoing it (it may be a pasted token). */
    private static String notHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return "a character that is not a hexadecimal digit at position " + (i + 1);
            }
        }
        return s.length() + (s.length() == 1 ? " digit" : " digits");
    }
}
