package org.mistyproxy.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The errors found in one configuration (or policy) file. The loader keeps going after an error
 * so that one run reports every problem; they are handed out in file order.
 */
public final class Problems {
    /** How a path to the document itself is shown (a path is otherwise {@code a.b[0].c}). */
    public static final String TOP_LEVEL = "(top level)";

    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    public Problems(String file) {
        this.file = file;
    }

    /** The file the problems are in, as given to the loader. */
    String file() {
        return file;
    }

    public void add(Node.Position at, String path, String problem) {
        errors.add(new ConfigError(file, at.line(), at.column(), path.isEmpty() ? TOP_LEVEL : path, problem));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Sorted by line and column; problems at the same place keep the order they were found in. */
    public List<ConfigError> inFileOrder() {
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return sorted;
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}
