package io.gatehouse.server;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbCluster;
import io.gatehouse.testkit.MariaDbServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The local sandbox: starts a primary and two replicas with the test kit's code, writes a configuration for them
 * from the shipped template, starts Gatehouse in front of them, prints how to connect and runs until Ctrl-C or
 * SIGTERM, then stops everything. Runs on the main thread; the shutdown hook stops the servers.
 */
public final class Sandbox {
    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "sandbox-data").toAbsolutePath();
        Files.createDirectories(dir);
        Path template = Path.of(System.getProperty("gatehouse.home", "."), "etc", "sandbox.cnf");
        System.out.println("Starting a MariaDB primary and two replicas in " + dir + " ...");
        MariaDbCluster cluster = MariaDbCluster.start(dir.resolve("cluster"), 2);
        int writePort = portOr(4006);
        int readPort = portOr(4008);
        String cnf = Files.readString(template)
                .replace("@DIR@", dir.toString())
                .replace("@WRITE_PORT@", String.valueOf(writePort))
                .replace("@READ_PORT@", String.valueOf(readPort))
                .replace("@SERVICE_USER@", Accounts.SERVICE_USER)
                .replace("@SERVICE_PASSWORD@", Accounts.SERVICE_PASSWORD);
        for (int i = 0; i < cluster.servers().size(); i++) {
            MariaDbServer s = cluster.servers().get(i);
            cnf = cnf.replace("@PORT" + (i + 1) + "@", String.valueOf(s.port()));
        }
        Path config = dir.resolve("gatehouse.cnf");
        Files.writeString(config, cnf);
        Logging.configure(dir.resolve("log"), false, false, false, true, true);
        Gatehouse gh;
        try {
            gh = Gatehouse.start(config);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sandbox-shutdown"));
        System.out.println();
        System.out.println("Gatehouse is running in front of a 3-server MariaDB cluster (configuration: " + config + ")");
        for (MariaDbServer s : cluster.servers()) {
            System.out.println("  backend " + s.name() + " at 127.0.0.1:" + s.port());
        }
        System.out.println("  read/write split (readwritesplit):         mariadb -h127.0.0.1 -P" + writePort
                + " -u" + Accounts.APP_USER + " -p" + Accounts.APP_PASSWORD + " " + Accounts.DATABASE);
        System.out.println("  replicas only (readconnroute, slave):      mariadb -h127.0.0.1 -P" + readPort
                + " -u" + Accounts.APP_USER + " -p" + Accounts.APP_PASSWORD + " " + Accounts.DATABASE);
        System.out.println("  admin: " + Path.of(System.getProperty("gatehouse.home", "."), "bin", "gatectl")
                .toAbsolutePath().normalize() + " list servers   (REST API on 127.0.0.1:8989, admin/mariadb)");
        System.out.println("  logs: " + dir.resolve("log").resolve("gatehouse.log"));
        System.out.println("Press Ctrl-C to stop everything.");
        stop.await();
        System.out.println("Stopping Gatehouse and the cluster ...");
        gh.close();
        cluster.close();
        Logging.stop();
        stopped.countDown();
    }

    /** The preferred port when it is free, otherwise any free port. */
    private static int portOr(int preferred) throws IOException {
        try (ServerSocket s = new ServerSocket(preferred)) {
            return preferred;
        } catch (IOException e) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
