package io.tracingplatform.real;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A DNS server on UDP port 53 of a loopback address of its own (127.0.53.x) that knows one name: an A query for it is answered with the given
 * IPv4 addresses (as a headless Service's record lists every ready pod), any other query of that name with no
 * records, any other name with NXDOMAIN. It stands where the cluster's DNS stands for the gateway's
 * {@code dns:///} endpoint, so that the real collector's own resolver (grpc-go's, with Go's DNS client) does the
 * lookups. It records every question it was asked. Wire format after RFC 1035 section 4 (header, question, answer
 * with a compression pointer to the question's name).
 *
 * <p>Port 53, not a free port: a {@code dns://} authority with a port is refused by the collector's otlp exporter
 * (v0.140.0 config.go Validate: it strips {@code dns://} and runs net.SplitHostPort over
 * {@code host:port/name:port}, "too many colons"), and grpc-go's resolver dials port 53 when the authority names
 * none. So each responder takes an address of 127.0.53.0/24 where port 53 is free; binding it needs root (or
 * CAP_NET_BIND_SERVICE), which this suite's machines give.
 */
final class DnsResponder implements AutoCloseable {
    /** One question as asked: the name (lower case, no trailing dot) and the type (1 = A, 28 = AAAA, 16 = TXT...). */
    record Question(String name, int type) {}

    static final int TYPE_A = 1;
    private static final int CLASS_IN = 1;
    private static final int TTL_SECONDS = 30;
    private final String name;
    private final List<InetAddress> addresses;
    private final DatagramSocket socket;
    private final List<Question> asked = new ArrayList<>();
    private final Thread thread;

    /**
     * Serves name (case-insensitive, without trailing dot) -> addresses (IPv4 only) on port 53 of the first address
     * of 127.0.53.1-254 (tried in a random order) where it is free.
     */
    DnsResponder(String name, List<InetAddress> addresses) {
        this.name = name.toLowerCase(Locale.ROOT);
        this.addresses = List.copyOf(addresses);
        if (this.addresses.stream().anyMatch(a -> a.getAddress().length != 4)) {
            throw new IllegalArgumentException("A records hold IPv4 addresses only: " + addresses);
        }
        socket = bind();
        thread = new Thread(this::serve, "dns-responder");
        thread.setDaemon(true);
        thread.start();
    }

    private static DatagramSocket bind() {
        var hosts = new ArrayList<Integer>();
        for (int i = 1; i < 255; i++) hosts.add(i);
        java.util.Collections.shuffle(hosts);
        SocketException last = null;
        for (int host : hosts.subList(0, 20)) {
            try {
                return new DatagramSocket(new InetSocketAddress("127.0.53." + host, 53));
            } catch (SocketException e) {
                last = e; // taken (another check, another worktree) or not allowed: the next address, or give up
            }
        }
        throw new UncheckedIOException("could not bind UDP port 53 on 20 addresses of 127.0.53.0/24 (root or "
                + "CAP_NET_BIND_SERVICE needed)", last);
    }

    /** The address whose port 53 this responder answers on: a dns:// authority without a port. */
    String address() {
        return socket.getLocalAddress().getHostAddress();
    }

    synchronized List<Question> asked() {
        return List.copyOf(asked);
    }

    private void serve() {
        var buf = new byte[1500];
        while (!socket.isClosed()) {
            var in = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(in);
                byte[] reply = answer(ByteBuffer.wrap(in.getData(), 0, in.getLength()));
                if (reply != null) socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
            } catch (IOException e) {
                if (!socket.isClosed()) System.err.println("dns-responder: " + e);
            }
        }
    }

    /** The reply to one query, or null for what is not a query with one question (dropped, as a server may). */
    private byte[] answer(ByteBuffer q) {
        if (q.remaining() < 12) return null;
        int id = q.getShort() & 0xffff;
        int flags = q.getShort() & 0xffff;
        int questions = q.getShort() & 0xffff;
        if ((flags & 0x8000) != 0 || questions != 1) return null;
        q.position(12);
        var labels = new ArrayList<String>();
        int start = q.position();
        for (int len = q.get() & 0xff; len != 0; len = q.get() & 0xff) {
            if (len > 63 || len > q.remaining()) return null; // no compression in a question
            var label = new byte[len];
            q.get(label);
            labels.add(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int end = q.position() + 4; // QTYPE, QCLASS
        if (end > q.limit()) return null;
        int type = q.getShort() & 0xffff;
        String asked = String.join(".", labels).toLowerCase(Locale.ROOT);
        synchronized (this) {
            this.asked.add(new Question(asked, type));
        }
        boolean known = asked.equals(name);
        var answers = known && type == TYPE_A ? addresses : List.<InetAddress>of();
        var out = new ByteArrayOutputStream();
        var header = ByteBuffer.allocate(12);
        // QR, the query's opcode and RD, AA (this server owns the name), RA; RCODE 3 (NXDOMAIN) for unknown names.
        header.putShort((short) id).putShort((short) (0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | (known ? 0 : 3)))
                .putShort((short) 1).putShort((short) answers.size()).putShort((short) 0).putShort((short) 0);
        out.writeBytes(header.array());
        out.write(q.array(), q.arrayOffset() + start, end - start); // the question, as asked
        for (InetAddress a : answers) {
            var rr = ByteBuffer.allocate(16);
            rr.putShort((short) 0xc00c).putShort((short) TYPE_A).putShort((short) CLASS_IN).putInt(TTL_SECONDS)
                    .putShort((short) 4).put(a.getAddress());
            out.writeBytes(rr.array());
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
