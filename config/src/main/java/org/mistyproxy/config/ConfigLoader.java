package org.mistyproxy.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Loads and validates a configuration file: YAML ({@code .yaml}, {@code .yml}) or JSON
 * ({@code .json}), chosen by extension. Every problem in the file is reported in one go, each as
 * {@code file:line:column path: problem}; see {@code config/README.md} for the format.
 *
 * <p>String values may use {@code ${NAME}} to take an environment variable. Relative paths
 * (policy, TLS files, data_dir) are resolved against the folder of the configuration file.
 */
public final class ConfigLoader {
    private final Map<String, String> environment;

    /** @param environment the variables {@code ${NAME}} may refer to */
    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Loads {@code file} with the process environment for {@code ${NAME}}. */
    public static MistyProxyConfig load(Path file) throws ConfigException {
        return new ConfigLoader(System.getenv()).read(file);
    }

    /** Loads {@code file} with the given variables for {@code ${NAME}} (tests use this). */
    public static MistyProxyConfig load(Path file, Map<String, String> environment) throws ConfigException {
        return new ConfigLoader(environment).read(file);
    }

    public MistyProxyConfig read(Path file) throws ConfigException {
        Problems problems = new Problems(file.toString());
        Optional<JsonFactory> format = format(file);
        if (format.isEmpty()) {
            problems.add(Node.Position.START, "", "unsupported file type: use .yaml, .yml or .json");
            throw new ConfigException(problems.inFileOrder());
        }
        Path absolute = file.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(absolute);
        } catch (NoSuchFileException e) {
            throw single(problems, "file not found: " + absolute);
        } catch (CharacterCodingException e) {
            throw single(problems, "the file is not UTF-8 text");
        } catch (IOException e) {
            throw single(problems, "cannot read the file: " + e);
        }
        Optional<Node> root = DocumentReader.read(text, format.get(), problems, "the file is empty");
        Path baseDir = absolute.getParent();
        Scalars scalars = new Scalars(problems, new Interpolation(environment), baseDir);
        Optional<MistyProxyConfig> config = root.flatMap(r -> new ConfigDocument(scalars, baseDir).read(r, absolute));
        if (!problems.isEmpty() || config.isEmpty()) {
            throw new ConfigException(problems.inFileOrder());
        }
        return config.get();
    }

    private static ConfigException single(Problems problems, String problem) {
        problems.add(Node.Position.START, "", problem);
        return new ConfigException(List.copyOf(problems.inFileOrder()));
    }

    private static Optional<JsonFactory> format(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return Optional.of(new YAMLFactory());
        }
        if (name.endsWith(".json")) {
            return Optional.of(new JsonFactory());
        }
        return Optional.empty();
    }
}
