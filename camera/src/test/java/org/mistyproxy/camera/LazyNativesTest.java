package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Natives load only when capture starts: checked in a fresh JVM, by class loading and by mapped libraries. */
class LazyNativesTest {

    @Test
    void configuredCamerasLoadNoNativesUntilHeld() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
                LazyNativesProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        int before = indexOf(lines, "PROBE before-hold");
        int after = indexOf(lines, "PROBE after-hold");
        assertTrue(before >= 0 && after > before, out.length() > 4000 ? out.substring(out.length() - 4000) : out);
        assertEquals("PROBE before-hold natives=false", lines.get(before));
        assertTrue(lines.get(after).startsWith("PROBE after-hold natives=true jpeg="), lines.get(after));
        assertEquals("PROBE idle-message camera 0 unavailable: capture is not active (no instance has the cam add-on)",
                lines.get(indexOf(lines, "PROBE idle-message")));
        for (String l : lines.subList(0, before)) {
            assertTrue(!l.contains("org.bytedeco"), "loaded before any hold: " + l);
        }
        assertTrue(lines.subList(before, after).stream().anyMatch(l -> l.contains("org.bytedeco.opencv")),
                "the hold loaded OpenCV classes");
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
