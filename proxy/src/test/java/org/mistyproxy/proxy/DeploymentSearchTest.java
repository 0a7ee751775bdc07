package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.instances.DeploymentCreated;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Issue 10 items 3 and 4: deployment search as the rerobots client and CLI send it (negated
 * types, q, maxlen, sort_by, /deployments/{type}, /queuelen), paging that no number can break, and
 * timestamps in the rerobots form, with {@code created} kept across restarts.
 */
class DeploymentSearchTest {

    @TempDir Path dir;
    Simulator robot;
    ProxyServer server;
    Deployment a;
    Deployment b;
    Deployment garage;
    Api ursula;
    Api anonymous;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        a = Rig.deployment("fixed_misty2", robot.port());
        b = Rig.deployment("fixed_misty2", robot.port());
        garage = new Deployment(UUID.randomUUID(), "user_provided", "Garage", "someone's own rig",
                new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), List.of("*"), List.of());
        server = ProxyServer.start(Rig.config(dir, List.of(a, b, garage)), Rig.fast());
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        anonymous = Api.of(server.publicBaseUrl(), null);
    }

    @AfterEach
    void stop() {
        server.close();
        robot.close();
    }

    private static List<String> ids(Resp r) {
        assertEquals(200, r.status(), r::toString);
        return Rig.texts(r.json().get("workspace_deployments"));
    }

    private static List<String> sorted(Deployment... ds) {
        List<String> out = new ArrayList<>();
        for (Deployment d : ds) out.add(d.id().toString());
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Test
    void negatedTypesAsRerobotsSearchSendsThem() {
        // what `rerobots search` sends, byte for byte: the `!` is not percent-encoded
        assertEquals(sorted(a, b), ids(anonymous.get("/deployments?info=t&types=!user_provided")));
        assertEquals(sorted(a, b), ids(anonymous.get("/deployments?info=t&types=%21user_provided")));
        assertEquals(List.of(garage.id().toString()), ids(anonymous.get("/deployments?info=t&types=user_provided")));
        assertEquals(List.of(), ids(anonymous.get("/deployments?types=!user_provided,!fixed_misty2")));
        assertEquals(List.of(garage.id().toString()), ids(anonymous.get("/deployments?types=user_provided,fixed_misty2,!fixed_misty2")));
        assertEquals(List.of(garage.id().toString()), ids(anonymous.get("/deployments/user_provided?info=t")));
        assertEquals(List.of(), ids(anonymous.get("/deployments/user_provided?types=!user_provided")));
        assertEquals(List.of(), ids(anonymous.get("/deployments/no_such_type")));
        assertEquals(404, anonymous.get("/deployments/").status(), "an empty type is no route");
        Resp bang = anonymous.get("/deployments?types=!");
        assertEquals(400, bang.status());
        assertEquals("query parameter `types`: `!` must be followed by a workspace type", bang.errorMessage());
        assertTrue(anonymous.get("/deployments?types=fixed_misty2").json().path("info").isMissingNode(), "no info unless info=t");
    }

    @Test
    void qMatchesIdTypeDescriptionAndRegionIgnoringCase() {
        String g = garage.id().toString();
        assertEquals(List.of(g), ids(anonymous.get("/deployments?info=t&q=gArAgE")));          // region
        assertEquals(List.of(g), ids(anonymous.get("/deployments?info=t&q=OWN%20RIG")));        // description
        assertEquals(List.of(g), ids(anonymous.get("/deployments?info=t&q=USER_prov")));        // type
        assertEquals(List.of(g), ids(anonymous.get("/deployments?info=t&q=" + g.substring(0, 13).toUpperCase())));  // id
        assertEquals(sorted(a, b), ids(anonymous.get("/deployments?info=t&q=bench&types=!user_provided")));
        assertEquals(List.of(), ids(anonymous.get("/deployments?q=nowhere")));
    }

    @Test
    void maxlenAndQueuelenCountTheHolder() {
        String iid = ursula.ready(a.id().toString());
        assertEquals(1, anonymous.get("/queuelen/" + a.id()).json().get("queuelen").asInt());
        assertEquals(0, anonymous.get("/queuelen/" + b.id()).json().get("queuelen").asInt());
        JsonNode all = anonymous.get("/deployments?info=t&maxlen=u").json();
        assertEquals(3, all.get("workspace_deployments").size());
        assertEquals(1, all.get("info").get(a.id().toString()).get("queuelen").asInt());
        assertEquals(1, anonymous.get("/deployment/" + a.id()).json().get("queuelen").asInt());
        assertEquals(sorted(b, garage), sorted(ids(anonymous.get("/deployments?maxlen=0"))));
        assertEquals(3, ids(anonymous.get("/deployments?maxlen=1")).size());
        assertEquals(3, ids(anonymous.get("/deployments?maxlen=99999999999999999999999")).size());
        assertEquals(400, anonymous.get("/deployments?maxlen=-1").status());
        assertEquals("query parameter `maxlen` must be a whole number >= 0, got `many`", anonymous.get("/deployments?maxlen=many").errorMessage());
        assertEquals(404, anonymous.get("/queuelen/" + UUID.randomUUID()).status());
        ursula.post("/terminate/" + iid);
        assertEquals(0, anonymous.get("/queuelen/" + a.id()).json().get("queuelen").asInt());
    }

    private static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        c.sort(Comparator.naturalOrder());
        return c;
    }

    @Test
    void sortBy() {
        List<String> misties = sorted(a, b);
        List<String> byType = new ArrayList<>(misties);
        byType.add(garage.id().toString());
        assertEquals(byType, ids(anonymous.get("/deployments")), "inc_wtype is the default");
        assertEquals(byType, ids(anonymous.get("/deployments?sort_by=inc_wtype")));
        assertEquals(reversed(byType), ids(anonymous.get("/deployments?sort_by=dec_wtype")));

        // icounter: garage 0, the first misty 1, the second 2
        String first = misties.get(0);
        String second = misties.get(1);
        ursula.post("/terminate/" + ursula.ready(first));
        ursula.post("/terminate/" + ursula.ready(second));
        ursula.post("/terminate/" + ursula.ready(second));
        assertEquals(2, anonymous.get("/deployment/" + second).json().get("icounter").asInt());
        assertEquals(List.of(garage.id().toString(), first, second), ids(anonymous.get("/deployments?sort_by=inc_count")));
        assertEquals(List.of(second, first, garage.id().toString()), ids(anonymous.get("/deployments?sort_by=dec_count")));

        Resp bad = anonymous.get("/deployments?sort_by=newest");
        assertEquals(400, bad.status());
        assertEquals("query parameter `sort_by` must be one of inc_wtype, dec_wtype, inc_created, dec_created, inc_count, dec_count,"
                + " got `newest`", bad.errorMessage());
    }

    private static List<String> reversed(List<String> l) {
        List<String> c = new ArrayList<>(l);
        java.util.Collections.reverse(c);
        return c;
    }

    @Test
    void pagingNeverOverflowsAndAPagePastTheEndIsTheLast() {
        List<String> all = ids(anonymous.get("/deployments"));
        assertEquals(3, all.size());
        assertEquals(1, anonymous.get("/deployments").json().get("page_count").asInt());
        for (String q : List.of("max_per_page=2147483647&page=3", "max_per_page=2147483648&page=2147483648",
                "max_per_page=99999999999999999999999999&page=99999999999999999999999999", "max_per_page=0&page=7",
                "page=2", "max_per_page=00&page=0001")) {
            Resp r = anonymous.get("/deployments?info=t&" + q);
            assertEquals(200, r.status(), q + ": " + r);
            assertEquals(all, ids(r), q);
            assertEquals(1, r.json().get("page_count").asInt(), q);
        }
        JsonNode p2 = anonymous.get("/deployments?max_per_page=2&page=2").json();
        assertEquals(2, p2.get("page_count").asInt());
        assertEquals(all.subList(2, 3), Rig.texts(p2.get("workspace_deployments")));
        assertEquals(all.subList(2, 3), ids(anonymous.get("/deployments?max_per_page=2&page=99")), "past the end: the last page");
        assertEquals(all.subList(0, 2), ids(anonymous.get("/deployments?max_per_page=2")));
        assertEquals(List.of(), ids(anonymous.get("/deployments?max_per_page=1&q=nothing&page=5")));

        for (String[] bad : new String[][] {
                {"page=0", "query parameter `page` must be a whole number >= 1, got `0`"},
                {"page=-1", "query parameter `page` must be a whole number >= 1, got `-1`"},
                {"max_per_page=1.5", "query parameter `max_per_page` must be a whole number >= 0, got `1.5`"},
                {"max_per_page=", "query parameter `max_per_page` must be a whole number >= 0, got ``"},
                {"page=1&page=2", "query parameter `page` given more than once"},
                {"pages=2", "unknown query parameter `pages` for GET /deployments; allowed: info, max_per_page, maxlen, page, q, sort_by, types"},
                {"info=yes", "query parameter `info` must be `t` or `f`, got `yes`"}}) {
            Resp r = anonymous.get("/deployments?" + bad[0]);
            assertEquals(400, r.status(), bad[0]);
            assertEquals(bad[1], r.errorMessage(), bad[0]);
        }
    }

    @Test
    void noAnswerEchoesAPagingValueOfAnySize() {
        String giant = "9".repeat(5_000);
        String zeros = "0".repeat(5_000);
        String junk = "7".repeat(5_000) + "x";
        for (Api a : List.of(anonymous, ursula)) {
            for (String path : List.of("/deployments?info=t&", "/deployments/fixed_misty2?info=t&", "/instances?")) {
                if (a == anonymous && path.startsWith("/instances")) continue;
                Resp clamped = a.get(path + "max_per_page=" + giant + "&page=" + giant);
                assertEquals(200, clamped.status(), path + ": " + clamped.body());
                assertEquals(1, clamped.json().get("page_count").asInt(), clamped.body());
                assertFalse(clamped.body().contains("99999"), "the clamped numbers are not echoed: " + clamped.body());
                assertFalse(clamped.json().has("page") || clamped.json().has("max_per_page"), clamped.body());

                Resp low = a.get(path + "page=" + zeros);
                assertEquals(400, low.status());
                assertEquals("query parameter `page` must be a whole number >= 1, got `0`", low.errorMessage(), "the number as read");
                Resp bad = a.get(path + "max_per_page=" + junk);
                assertEquals(400, bad.status());
                assertEquals("query parameter `max_per_page` must be a whole number >= 0, got `" + "7".repeat(40) + "…`",
                        bad.errorMessage(), "at most 40 characters of what was sent");
            }
        }
        Resp maxlen = anonymous.get("/deployments?info=t&maxlen=" + giant);
        assertEquals(200, maxlen.status());
        assertFalse(maxlen.body().contains("99999"), maxlen.body());
    }

    @Test
    void instancesPageAndSortTheSameWay() {
        String i1 = ursula.ready(a.id().toString());
        String i2 = ursula.ready(b.id().toString());
        assertEquals(List.of(i1, i2), Rig.texts(ursula.get("/instances").json().get("workspace_instances")));
        assertEquals(List.of(i2, i1), Rig.texts(ursula.get("/instances?sort_by=dec_created").json().get("workspace_instances")));
        for (String q : List.of("max_per_page=2147483647&page=3", "max_per_page=99999999999999999999&page=99999999999999999999")) {
            Resp r = ursula.get("/instances?" + q);
            assertEquals(200, r.status(), q + ": " + r);
            assertEquals(List.of(i1, i2), Rig.texts(r.json().get("workspace_instances")));
            assertEquals(1, r.json().get("page_count").asInt());
        }
        JsonNode last = ursula.get("/instances?max_per_page=1&page=50").json();
        assertEquals(List.of(i2), Rig.texts(last.get("workspace_instances")));
        assertEquals(2, last.get("page_count").asInt());
        assertEquals(400, ursula.get("/instances?page=0").status());
        assertEquals("query parameter `sort_by` must be inc_created or dec_created, got `inc_wtype`",
                ursula.get("/instances?sort_by=inc_wtype").errorMessage());
        assertEquals(400, ursula.get("/instances?max_per_page=x").status());
        // the rerobots client sends include_terminated with an empty value
        ursula.post("/terminate/" + i1);
        assertEquals(List.of(i1, i2), Rig.texts(ursula.get("/instances?include_terminated=").json().get("workspace_instances")));
    }

    @Test
    void timestampsAreInTheRerobotsFormAndCreatedIsKept() throws Exception {
        long before = System.currentTimeMillis();
        String iid = ursula.ready(a.id().toString());
        ursula.post("/terminate/" + iid);
        JsonNode info = ursula.get("/instance/" + iid).json();
        for (String f : List.of("starttime", "endtime")) {
            String t = info.get(f).asText();
            assertTrue(RerobotsTimes.FORM.matcher(t).matches(), f + ": " + t);
            Instant at = RerobotsTimes.parse(t);
            assertTrue(!at.isBefore(Instant.ofEpochMilli(before).minusMillis(1)) && !at.isAfter(Instant.now()), f + ": " + t);
        }
        String created = anonymous.get("/deployment/" + b.id()).json().get("created").asText();
        assertTrue(RerobotsTimes.FORM.matcher(created).matches(), created);
        assertTrue(Files.exists(dir.resolve(DeploymentCreated.FILE)));

        // a restart with one more deployment: the old ones keep their date, the new one is younger
        Deployment later = Rig.deployment("fixed_misty2", robot.port());
        server.close();
        Rig.await(() -> System.currentTimeMillis() > RerobotsTimes.parse(created).toEpochMilli() + 5, Duration.ofSeconds(5),
                () -> "the clock to move on");
        server = ProxyServer.start(Rig.config(dir, List.of(a, b, garage, later)), Rig.fast());
        anonymous = Api.of(server.publicBaseUrl(), null);
        assertEquals(created, anonymous.get("/deployment/" + b.id()).json().get("created").asText());
        String younger = anonymous.get("/deployment/" + later.id()).json().get("created").asText();
        assertTrue(RerobotsTimes.parse(younger).isAfter(RerobotsTimes.parse(created)), younger + " vs " + created);
        List<String> byCreated = ids(anonymous.get("/deployments?sort_by=inc_created"));
        assertEquals(later.id().toString(), byCreated.get(3));
        assertEquals(later.id().toString(), ids(anonymous.get("/deployments?sort_by=dec_created")).get(0));
    }
}
