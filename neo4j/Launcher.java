// Local Neo4j Community 5.26 server without Docker: an embedded DBMS with the Bolt connector on.
//
//   mvn -B -q -f neo4j/pom.xml dependency:copy-dependencies -DoutputDirectory=.neo4j/lib
//   printf '%s\n' "$PASSWORD" | java -cp '.neo4j/lib/*' neo4j/Launcher.java HOME PORT
//
// HOME is the DBMS home (data/, logs/ go below it); PORT the Bolt port on 127.0.0.1 (loopback only).
// The first line of standard input is the password: when it is not empty, authentication is enabled
// and the built-in user `neo4j` gets that password (no change required); otherwise auth is disabled,
// which is acceptable only because the connector listens on loopback. The password is read from
// stdin — never argv or the environment — so neither `ps` nor /proc/<pid>/environ shows it.
//
// Files and the network are closed to Cypher: LOAD CSV may not use file:// URLs, its import root is
// an empty HOME/import, and every address (0.0.0.0/0, ::/0) is on the URL blocklist, so even a
// query that slipped past the console's checks cannot read the server's files or fetch URLs.
//
// Prints exactly one line starting with "NEO4J_READY " once Bolt accepts connections; the Python
// side (policykg/neo4j_server.py) waits for it. SIGTERM / SIGINT shut the DBMS down cleanly.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import inet.ipaddr.IPAddressString;
import org.neo4j.io.ByteUnit;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.api.impl.index.LuceneSettings;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java -cp 'lib/*' Launcher.java HOME PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        boolean auth = password != null && !password.isEmpty();
        Path importRoot = Files.createDirectories(home.resolve("import"));
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        // Lucene's RAM buffer while an index populates (the full-text index after a bulk import):
        // Neo4j's 50 MB flushes a segment every few seconds and merges them pairwise; a tenth of
        // the heap (~200 MB at 2 GB) writes fewer segments and merges less. Population only: the
        // buffer of an online index (every later write) keeps Neo4j's default.
        double populationBufferMb = Math.max(50.0, Runtime.getRuntime().maxMemory() / 10.0 / 1048576.0);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                // The routing table a neo4j:// client receives lists the advertised address;
                // the default (localhost:7687) would be wrong for any other port.
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Bolt's shutdown waits 5 s for connections and 5 s for its thread pool, after the
                // databases have already stopped: 10 s on every stop, which the bulk import pays
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.udc_enabled, false) // no usage reports from CI/dev
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(System.getProperty("policykg.pagecache", "512m")))
                .setConfig(LuceneSettings.lucene_population_ram_buffer_size, populationBufferMb)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importRoot)
                .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist,
                           List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0")))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("NEO4J_STOPPING");
            System.out.flush();
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        if (auth) {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            try {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                        Map.of("password", password));
            } catch (RuntimeException e) {
                // Setting the password it already has is refused by some versions; anything else is fatal.
                String msg = String.valueOf(e.getMessage());
                if (!msg.contains("same")) {
                    System.err.println("NEO4J_FAILED could not set the password: " + msg);
                    dbms.shutdown();
                    System.exit(1);
                }
            }
        }
        // Touch the default database so the first client does not wait for it to come online.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

        System.out.println("NEO4J_READY bolt://127.0.0.1:" + port + " auth=" + (auth ? "on" : "off"));
        System.out.flush();
        stopped.await();
    }
}
