package io.gatehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies every statement of the MariaDB test suite installed by Debian's mariadb-test package: no exception,
 * and no statement slower than a loose safety bound.
 */
class TestSuiteCorpusTest {
    private static final Logger LOG = LoggerFactory.getLogger(TestSuiteCorpusTest.class);
    private static final long BOUND_NANOS = 50_000_000L;
    private static final long RECHECK_NANOS = 2_000_000L;

    @Test
    void everyStatementOfTheTestSuiteIsClassifiedQuickly() {
        Path root = MysqlTestFiles.root();
        assumeTrue(root != null, "the mariadb-test package is not installed");
        Classifier classifier = new Classifier();
        List<Path> files = MysqlTestFiles.testFiles(root);
        long statements = 0;
        long writes = 0;
        long unknown = 0;
        long slowest = 0;
        String slowestSql = null;
        for (Path file : files) {
            for (String sql : MysqlTestFiles.statements(file)) {
                byte[] bytes = sql.getBytes(StandardCharsets.ISO_8859_1);
                long start = System.nanoTime();
                Classification c = classifier.classify(bytes, 0, bytes.length, SqlMode.DEFAULT);
                long took = System.nanoTime() - start;
                if (took > RECHECK_NANOS) {
                    // a GC pause, a JIT compilation or a descheduled thread is not the classifier's fault
                    for (int i = 0; i < 3 && took > RECHECK_NANOS; i++) {
                        start = System.nanoTime();
                        classifier.classify(bytes, 0, bytes.length, SqlMode.DEFAULT);
                        took = Math.min(took, System.nanoTime() - start);
                    }
                }
                if (took > slowest) {
                    slowest = took;
                    slowestSql = sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
                }
                // touch the lazily computed parts too: they must not throw either
                c.canonical();
                c.tablesRead();
                c.tablesWritten();
                c.functions();
                statements++;
                writes += c.isWrite() ? 1 : 0;
                unknown += c.isUnknown() ? 1 : 0;
            }
        }
        LOG.info("classified {} statements from {} files under {}: {} writes, {} unknown; slowest {} us: {}",
                statements, files.size(), root, writes, unknown, slowest / 1000, slowestSql);
        assertThat(files).hasSizeGreaterThan(1000);
        assertThat(statements).isGreaterThan(100_000);
        assertThat(slowest).as("slowest statement: %s", slowestSql).isLessThan(BOUND_NANOS);
    }
}
