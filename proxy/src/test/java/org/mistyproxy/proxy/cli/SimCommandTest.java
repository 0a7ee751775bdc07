package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mistyproxy.proxy.Main;

class SimCommandTest {
    @Test
    void helpExitsZero() {
        assertEquals(0, Main.run("sim", "--help"));
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, Main.run("sim", "--port", "70000"));
        assertEquals(2, Main.run("sim", "--port", "ninety"));
        assertEquals(2, Main.run("sim", "--bogus"));
        assertEquals(2, Main.run("sim", "--log-limit", "0"));
    }

    /** The real command in its own JVM: it prints its URL, answers /api/device, and runs until killed. */
    @Test
    void startsPrintsItsUrlAndAnswersUntilKilled() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                "org.mistyproxy.proxy.Main", "sim", "--port", "0").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Pattern listening = Pattern.compile("listening on (http://\\S+)");
            String url = null;
            for (String line; url == null && (line = out.readLine()) != null; ) {
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            assertTrue(url != null, "the command never printed its URL");
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/api/device")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"status\":\"Success\""), r.body());
            assertTrue(p.isAlive());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "sim did not stop on SIGTERM");
        }
    }

    @Test
    void aTakenPortFailsWithTheReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "sim", "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, code);
            assertTrue(err.toString().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), err.toString());
        }
    }
}
