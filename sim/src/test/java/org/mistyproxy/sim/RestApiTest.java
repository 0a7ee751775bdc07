package org.mistyproxy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestApiTest {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Simulator robot;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    private HttpResponse<String> get(String target) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + target)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String target, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + target))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode result(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        JsonNode envelope = json.readTree(r.body());
        assertEquals("Success", envelope.path("status").asText(), r.body());
        return envelope.path("result");
    }

    @Test
    void deviceInformationComesInTheEnvelopeWithCommandVersion() throws Exception {
        HttpResponse<String> r = get("/api/device");
        assertEquals("Current", r.headers().firstValue("Misty-Command-Version").orElseThrow());
        assertEquals("SIM00000000", result(r).path("serialNumber").asText());
    }

    @Test
    void batteryReportsAChargeBetweenZeroAndOne() throws Exception {
        double charge = result(get("/api/battery")).path("chargePercent").asDouble();
        assertTrue(charge > 0 && charge <= 1, "charge " + charge);
    }

    @Test
    void everyCatalogCommandAnswersOnItsVerbAndPath() throws Exception {
        HttpResponse<String> r = post("/api/led", "{\"Red\": 1, \"Green\": 2, \"Blue\": 3}");
        result(r);
        assertEquals(1, robot.requests().size());
        assertEquals("/api/led", robot.requests().get(0).path());
    }

    @Test
    void unknownPathIs404InTheEnvelope() throws Exception {
        HttpResponse<String> r = get("/api/nothing/here");
        assertEquals(404, r.statusCode());
        assertEquals("Failed", json.readTree(r.body()).path("status").asText());
    }
}
