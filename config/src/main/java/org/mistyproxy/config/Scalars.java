package org.mistyproxy.config;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Turns leaf nodes into typed values, reporting wrong types and out-of-range numbers. Every
 * method returns empty when the value is unusable; the problem has then been reported.
 */
final class Scalars {
    private final Problems problems;
    private final Interpolation interpolation;
    private final Path baseDir;

    Scalars(Problems problems, Interpolation interpolation, Path baseDir) {
        this.problems = problems;
        this.interpolation = interpolation;
        this.baseDir = baseDir;
    }

    Problems problems() {
        return problems;
    }

    /**
     * A string. Numbers and booleans are taken as written ({@code source: 0}, {@code password: 1234}),
     * since YAML types plain scalars by their look; objects, lists and null are type errors.
     */
    Optional<String> string(Node n, String path) {
        if (!(n instanceof Node.Scalar) || ((Node.Scalar) n).kind() == Node.Scalar.Kind.NULL
                || ((Node.Scalar) n).kind() == Node.Scalar.Kind.INVALID) {
            return mismatch(n, path, "a string");
        }
        Node.Scalar s = (Node.Scalar) n;
        if (s.kind() != Node.Scalar.Kind.STRING) {
            return Optional.of(s.text());
        }
        return Optional.ofNullable(interpolation.apply(s.text(), n.at(), path, problems));
    }

    /** A non-empty string (after interpolation). */
    Optional<String> nonEmptyString(Node n, String path) {
        Optional<String> s = string(n, path);
        if (s.isPresent() && s.get().isBlank()) {
            problems.add(n.at(), path, "must not be empty");
            return Optional.empty();
        }
        return s;
    }

    /** An integer in {@code [min, max]}; a string is accepted only when it came from {@code ${VAR}}. */
    Optional<Integer> integer(Node n, String path, int min, int max) {
        BigInteger value = null;
        if (n instanceof Node.Scalar) {
            Node.Scalar s = (Node.Scalar) n;
            if (s.kind() == Node.Scalar.Kind.INTEGER) {
                value = s.integer();
            } else if (s.kind() == Node.Scalar.Kind.STRING && Interpolation.mayApply(s.text())) {
                String text = interpolation.apply(s.text(), n.at(), path, problems);
                if (text == null) {
                    return Optional.empty();
                }
                try {
                    value = new BigInteger(text.strip());
                } catch (NumberFormatException e) {
                    problems.add(n.at(), path, "must be an integer, got " + Node.quote(text)
                            + " from " + Node.quote(s.text()));
                    return Optional.empty();
                }
            }
        }
        if (value == null) {
            return mismatch(n, path, "an integer");
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(n.at(), path, "must be between " + min + " and " + max + ", got " + value);
            return Optional.empty();
        }
        return Optional.of(value.intValueExact());
    }

    /** A YAML/JSON boolean ({@code true} or {@code false}); the strings "yes", "on" or "1" are type errors, not guesses. */
    Optional<Boolean> bool(Node n, String path) {
        if (n instanceof Node.Scalar && ((Node.Scalar) n).kind() == Node.Scalar.Kind.BOOLEAN) {
            // YAML 1.1 parsers may also type yes/no/on/off as booleans; only the unambiguous words are taken
            String t = ((Node.Scalar) n).text();
            if (t.equals("true") || t.equals("false")) return Optional.of(t.equals("true"));
        }
        return mismatch(n, path, "true or false");
    }

    /** A file system path, resolved against the config file's folder and normalised. */
    Optional<Path> path(Node n, String path) {
        return nonEmptyString(n, path).flatMap(s -> {
            try {
                return Optional.of(baseDir.resolve(s).normalize());
            } catch (InvalidPathException e) {
                problems.add(n.at(), path, "is not a valid path: " + e.getReason());
                return Optional.empty();
            }
        });
    }

    /** {@code text} as a path resolved against the config file's folder, or empty when it is not a valid path. */
    Optional<Path> resolve(String text) {
        try {
            return Optional.of(baseDir.resolve(text).normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** A path to a file that must already exist (policy, keystore, certificate). */
    Optional<Path> existingFile(Node n, String path) {
        Optional<Path> p = path(n, path);
        if (p.isPresent() && !Files.isRegularFile(p.get())) {
            problems.add(n.at(), path, "file not found: " + p.get());
            return Optional.empty();
        }
        return p;
    }

    Optional<List<Node>> list(Node n, String path) {
        if (n instanceof Node.Sequence) {
            return Optional.of(((Node.Sequence) n).items());
        }
        return mismatch(n, path, "a list");
    }

    <T> Optional<T> mismatch(Node n, String path, String expected) {
        if (n instanceof Node.Scalar && ((Node.Scalar) n).kind() == Node.Scalar.Kind.INVALID) {
            return Optional.empty();
        }
        problems.add(n.at(), path, "must be " + expected + ", got " + n.describe());
        return Optional.empty();
    }
}
