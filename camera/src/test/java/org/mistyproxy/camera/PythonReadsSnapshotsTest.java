package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The users' side: numpy.load reads a .npy snapshot and PIL reads a JPEG snapshot, with the
 * scene's colours where README.md says they are. Debian's python3 has numpy and PIL; on CI
 * (CI=true) their absence is a failure, elsewhere the test is skipped.
 */
class PythonReadsSnapshotsTest {

    static final String PYTHON = "/usr/bin/python3";

    static final String SCRIPT = String.join("\n",
            "import sys, numpy as np",
            "from PIL import Image",
            "a = np.load(sys.argv[1])",
            "assert a.dtype == np.uint8, a.dtype",
            "assert a.shape == (240, 320, 3), a.shape",
            "assert a.flags['C_CONTIGUOUS']",
            "pw, ph = 320 // 4, 240 // 4",
            "assert (a[:ph, :pw] == [255, 0, 0]).all(), 'red top left'",
            "assert (a[:ph, -pw:] == [0, 255, 0]).all(), 'green top right'",
            "assert (a[-ph:, :pw] == [0, 0, 255]).all(), 'blue bottom left'",
            "assert (a[-ph:, -pw:] == [255, 255, 255]).all(), 'white bottom right'",
            "assert (a[:ph, pw:-pw] == 128).all(), 'grey between'",
            "j = np.asarray(Image.open(sys.argv[2]).convert('RGB')).astype(int)",
            "assert j.shape == (240, 320, 3), j.shape",
            "for (y, x), c in {(ph // 2, pw // 2): (255, 0, 0), (ph // 2, 320 - pw // 2): (0, 255, 0),",
            "                  (240 - ph // 2, pw // 2): (0, 0, 255), (240 - ph // 2, 320 - pw // 2): (255, 255, 255)}.items():",
            "    assert (abs(j[y, x] - c) <= 10).all(), (y, x, j[y, x], c)",
            "print('ok', a.shape, j.shape)",
            "");

    @TempDir
    Path dir;

    @Test
    void numpyAndPilReadTheSnapshots() throws Exception {
        requirePython();
        Path npy = dir.resolve("snap.npy");
        Path jpg = dir.resolve("snap.jpg");
        Path script = dir.resolve("check.py");
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", 320, 240, 15, null));
            try (CameraHold hold = cam.hold()) {
                Files.write(npy, cam.snapshot(SnapshotRequest.of(ImageFormat.NPY)).data());
                Files.write(jpg, cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG)).data());
            }
        }
        Files.writeString(script, SCRIPT);
        Process p = new ProcessBuilder(PYTHON, script.toString(), npy.toString(), jpg.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("ok (240, 320, 3) (240, 320, 3)"), out);
    }

    private static void requirePython() throws IOException, InterruptedException {
        boolean ci = "true".equals(System.getenv("CI"));
        String problem = null;
        if (!Files.isExecutable(Path.of(PYTHON))) {
            problem = PYTHON + " is missing";
        } else {
            Process p = new ProcessBuilder(PYTHON, "-c", "import numpy, PIL").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problem = PYTHON + " lacks numpy or PIL (apt-get install python3-numpy python3-pil): " + out.strip();
            }
        }
        if (problem != null) {
            if (ci) {
                fail(problem);
            }
            Assumptions.abort(problem);
        }
    }
}
