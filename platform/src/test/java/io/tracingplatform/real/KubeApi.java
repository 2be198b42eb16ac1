package io.tracingplatform.real;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real kube-apiserver (built by {@code platform/servers/kube-apiserver}) on a real etcd, on loopback, and a raw HTTP
 * client for it: objects go to the server as the YAML bytes the render wrote (server-side apply), so the server, not
 * a client library, decides what is valid. Field validation is Strict, as {@code kubectl apply --validate=strict}.
 */
final class KubeApi implements AutoCloseable {
    private final Proc apiserver;
    private final String base;
    private final String token;
    private final HttpClient http;
    private Path servingCert;
    private final Map<String, Resource> resources = new HashMap<>();

    /** How the server names a kind: its path segment and whether it lives in a namespace. */
    record Resource(String groupVersion, String plural, boolean namespaced) {}

    /** A response: status and body. */
    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String message() {
            try {
                JsonNode n = Yaml.JSON.readTree(body);
                return n.has("message") ? n.get("message").asText() : body;
            } catch (IOException e) {
                return body;
            }
        }
    }

    private KubeApi(Proc apiserver, String base, String token, HttpClient http) {
        this.apiserver = apiserver;
        this.base = base;
        this.token = token;
        this.http = http;
    }

    /** Starts an API server on the etcd at {@code etcdUrl}, its data under {@code prefix}, and waits for /readyz. */
    static KubeApi start(Path apiserverBin, String etcdUrl, String prefix, Path dir) throws Exception {
        Files.createDirectories(dir);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(new java.security.SecureRandom().generateSeed(24));
        Path tokens = Files.writeString(dir.resolve("tokens.csv"), token + ",platform-real,1,system:masters\n");
        // The service-account token signer: any RSA key of our own.
        var kp = KeyPairGenerator.getInstance("RSA");
        kp.initialize(2048);
        var pair = kp.generateKeyPair();
        Path key = Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Path pub = Files.writeString(dir.resolve("sa.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Path certs = Files.createDirectories(dir.resolve("certs"));
        int port = Proc.freePort();
        var proc = Proc.start("kube-apiserver" + prefix.replace('/', '-'), List.of(apiserverBin.toString(),
                "--etcd-servers=" + etcdUrl, "--etcd-prefix=" + prefix,
                "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + port,
                "--cert-dir=" + certs.toAbsolutePath(), // self-signed serving certificate for 127.0.0.1
                "--token-auth-file=" + tokens.toAbsolutePath(), "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc",
                "--service-account-key-file=" + pub.toAbsolutePath(),
                "--service-account-signing-key-file=" + key.toAbsolutePath(),
                "--service-cluster-ip-range=10.96.0.0/16"), Map.of(), dir);
        try {
            proc.await("a serving certificate in " + certs, Duration.ofSeconds(60),
                    () -> Files.exists(certs.resolve("apiserver.crt")));
            var ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = Files.newInputStream(certs.resolve("apiserver.crt"))) {
                int i = 0;
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("c" + i++, c);
            }
            var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            var ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            var http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
            var api = new KubeApi(proc, "https://127.0.0.1:" + port, token, http);
            api.servingCert = certs.resolve("apiserver.crt").toAbsolutePath();
            proc.await("/readyz", Duration.ofSeconds(120), () -> api.get("/readyz").status() == 200);
            return api;
        } catch (Exception | AssertionError e) {
            proc.close();
            throw e;
        }
    }

    /**
     * The real kube-controller-manager on this server with its garbage collector alone: it completes foreground
     * deletions (the Kubernetes provider deletes with propagationPolicy Foreground, so without a collector a deleted
     * object keeps its foregroundDeletion finalizer and never disappears). No other controller runs.
     */
    Proc garbageCollector(Path controllerManagerBin, Path dir) throws IOException {
        Path config = kubeconfig(dir.resolve("controller-manager.kubeconfig"), "controller-manager");
        var proc = Proc.start("kube-controller-manager", List.of(controllerManagerBin.toString(),
                "--kubeconfig=" + config.toAbsolutePath(), "--controllers=garbagecollector", "--leader-elect=false",
                "--secure-port=0"), Map.of(), dir);
        // Logged once its informers have synced (garbagecollector.go, "Proceeding to collect garbage").
        proc.await("the garbage collector", Duration.ofSeconds(120), () -> proc.log().contains("Proceeding to collect garbage"));
        return proc;
    }

    /** A kubeconfig for clients of this server (the token of system:masters), its one context named {@code context}. */
    Path kubeconfig(Path file, String context) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, String.join("\n",
                "apiVersion: v1", "kind: Config", "current-context: " + context,
                "clusters:", "- name: " + context, "  cluster:", "    server: " + base,
                "    certificate-authority: " + servingCert,
                "users:", "- name: " + context, "  user:", "    token: " + token,
                "contexts:", "- name: " + context, "  context:", "    cluster: " + context, "    user: " + context, ""));
    }

    /** Applies the CRDs of the suite's {@code crds} recipe and waits until each is Established; returns failures. */
    List<String> installCrds(Path dir) throws IOException {
        var failures = new java.util.ArrayList<String>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                var r = apply(Files.readString(f), false);
                if (!r.ok()) {
                    failures.add(f.getFileName() + ": " + r.status() + " " + r.message());
                    continue;
                }
                String name = parse(Files.readString(f)).path("metadata").path("name").asText();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!established(name) && System.nanoTime() < deadline) KubernetesRealTest.sleep(100);
                if (!established(name)) failures.add("CRD " + name + " not Established within 30 s");
            }
        }
        return failures;
    }

    boolean established(String crd) {
        var r = get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + crd);
        if (!r.ok()) return false;
        for (JsonNode c : parse(r.body()).path("status").path("conditions")) {
            if (c.path("type").asText().equals("Established") && c.path("status").asText().equals("True")) return true;
        }
        return false;
    }

    String log(int lines) {
        return apiserver.tail(lines);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Response post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Server-side apply of one object, sent as the YAML text it is. */
    Response apply(String yaml, boolean dryRun) {
        var obj = parse(yaml);
        String path = path(obj) + "?fieldManager=platform-real&force=true&fieldValidation=Strict" + (dryRun ? "&dryRun=All" : "");
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/apply-patch+yaml")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(yaml)));
    }

    /** The object's own URL path (its collection's path plus its name). */
    String path(JsonNode obj) {
        String apiVersion = obj.path("apiVersion").asText();
        String kind = obj.path("kind").asText();
        Resource r = resource(apiVersion, kind);
        String ns = obj.path("metadata").path("namespace").asText("");
        String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        String collection = prefix + (r.namespaced() ? "/namespaces/" + (ns.isEmpty() ? "default" : ns) : "") + "/" + r.plural();
        return collection + "/" + obj.path("metadata").path("name").asText();
    }

    /** Discovery: the resource for a kind, refreshed once when a kind is unknown (a CRD just installed). */
    Resource resource(String apiVersion, String kind) {
        String key = apiVersion + "/" + kind;
        if (!resources.containsKey(key)) {
            String path = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
            var r = get(path);
            if (r.ok()) {
                for (JsonNode res : parse(r.body()).path("resources")) {
                    if (res.path("name").asText().contains("/")) continue; // subresources
                    resources.put(apiVersion + "/" + res.path("kind").asText(),
                            new Resource(apiVersion, res.path("name").asText(), res.path("namespaced").asBoolean()));
                }
            }
        }
        Resource r = resources.get(key);
        if (r == null) throw new AssertionError("the API server serves no " + kind + " in " + apiVersion + " (a CRD missing?)");
        return r;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            var r = http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(-1, String.valueOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode parse(String yamlOrJson) {
        try {
            return Yaml.YAML.readTree(yamlOrJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Override
    public void close() {
        apiserver.close();
    }

}
