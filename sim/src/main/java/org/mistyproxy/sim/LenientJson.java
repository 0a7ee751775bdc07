package org.mistyproxy.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads JSON the way the robot's .NET reader does: single-quoted strings (Python's
 * {@code str(dict)}), unquoted names, trailing commas, and Python's {@code True}, {@code False} and
 * {@code None} outside strings. The simulator must accept what the robot accepts, or tests of a
 * strict proxy would prove nothing.
 */
final class LenientJson {
    private final ObjectMapper reader = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
            .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
            .enable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();

    JsonNode parse(String text) throws JsonProcessingException {
        return reader.readTree(pythonLiteralsToJson(text));
    }

    JsonNode parse(byte[] bytes) throws JsonProcessingException {
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    JsonNode parse(InputStream in) throws IOException {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    ObjectMapper mapper() {
        return reader;
    }

    /** Replaces the bare words True, False and None outside strings; leaves strings untouched. */
    static String pythonLiteralsToJson(String text) {
        if (!text.contains("True") && !text.contains("False") && !text.contains("None")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        char quote = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    out.append(text.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                i++;
            } else if (c == '"' || c == '\'') {
                quote = c;
                out.append(c);
                i++;
            } else if (Character.isLetter(c)) {
                int end = i;
                while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
                    end++;
                }
                String word = text.substring(i, end);
                out.append(switch (word) {
                    case "True" -> "true";
                    case "False" -> "false";
                    case "None" -> "null";
                    default -> word;
                });
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
