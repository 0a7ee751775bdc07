package org.mistyproxy.proxy.cam;

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
 * A Python user over HTTP (Debian's python3 with requests, numpy, PIL): the default JSON decoded
 * the way the rerobots client does (base64, PIL, reshape), the ndarray JSON and the .npy file
 * with exact pixels. On CI (CI=true) missing modules fail the test; elsewhere it is skipped.
 */
class CamPythonClientTest {

    static final String PYTHON = "/usr/bin/python3";

    static final String SCRIPT = String.join("\n",
            "import sys, io, base64, requests, numpy as np",
            "from PIL import Image",
            "base, iid, token = sys.argv[1:4]",
            "h = {'Authorization': 'Bearer ' + token}",
            "url = '%s/addon/cam/%s/0/img' % (base, iid)",
            "p = requests.get(url, headers=h).json()",
            "assert p['success'] and p['format'] == 'JPEG' and p['coding'] == 'base64', p.keys()",
            "img = Image.open(io.BytesIO(base64.b64decode(p['data'])))",
            "a = np.array(img.getdata(), dtype=np.uint8).reshape(img.size[1], img.size[0], 3)",
            "assert a.shape == (240, 320, 3), a.shape",
            "assert (abs(a[30, 40].astype(int) - [255, 0, 0]) <= 10).all(), a[30, 40]",
            "q = requests.get(url + '?format=ndarray', headers=h).json()",
            "b = np.frombuffer(base64.b64decode(q['data']), dtype=q['dtype']).reshape(q['shape'])",
            "r = requests.get(url, headers=dict(h, Accept='application/x-npy'))",
            "assert r.headers['Content-Type'] == 'application/x-npy'",
            "c = np.load(io.BytesIO(r.content))",
            "for arr in (b, c):",
            "    assert arr.shape == (240, 320, 3) and arr.dtype == np.uint8, (arr.shape, arr.dtype)",
            "    assert (arr[:60, :80] == [255, 0, 0]).all() and (arr[:60, -80:] == [0, 255, 0]).all()",
            "    assert (arr[-60:, :80] == [0, 0, 255]).all() and (arr[-60:, -80:] == [255, 255, 255]).all()",
            "print('ok', a.shape, b.shape, c.shape)",
            "");

    @TempDir
    Path dir;

    @Test
    void pythonReadsJpegNdarrayAndNpySnapshots() throws Exception {
        requirePython();
        try (CamServer rig = new CamServer(dir, CamServer.synthetic("0", 320, 240, 10, null))) {
            String iid = rig.instanceWithCam();
            Path script = dir.resolve("client.py");
            Files.writeString(script, SCRIPT);
            Process p = new ProcessBuilder(PYTHON, script.toString(), rig.base(), iid, CamServer.TOKEN)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.startsWith("ok (240, 320, 3) (240, 320, 3) (240, 320, 3)"), out);
        }
    }

    private static void requirePython() throws IOException, InterruptedException {
        String problem = null;
        if (!Files.isExecutable(Path.of(PYTHON))) {
            problem = PYTHON + " is missing";
        } else {
            Process p = new ProcessBuilder(PYTHON, "-c", "import requests, numpy, PIL").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problem = PYTHON + " lacks requests, numpy or PIL (apt-get install python3-requests python3-numpy python3-pil): "
                        + out.strip();
            }
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(problem);
            }
            Assumptions.abort(problem);
        }
    }
}
