package io.gatehouse.benchmarks.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The statement mixes the classifier benchmarks run: sysbench oltp_read_write and ORM-shaped statements of about
 * 200 characters; built once per benchmark trial, read-only afterwards.
 */
final class Statements {
    private Statements() {
    }

    /** The statements of sysbench's oltp_read_write transaction with random literals. */
    static byte[][] sysbench(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            int t = 1 + r.nextInt(4);
            int id = 1 + r.nextInt(1_000_000);
            String tbl = "sbtest" + t;
            // oltp_read_write: 10 point selects, 4 ranges, 2 updates, 1 delete, 1 insert, BEGIN/COMMIT
            for (int i = 0; i < 10; i++) {
                out.add("SELECT c FROM " + tbl + " WHERE id=" + (1 + r.nextInt(1_000_000)));
            }
            out.add("SELECT c FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + 99));
            out.add("SELECT SUM(k) FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + 99));
            out.add("SELECT c FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + 99) + " ORDER BY c");
            out.add("SELECT DISTINCT c FROM " + tbl + " WHERE id BETWEEN " + id + " AND " + (id + 99) + " ORDER BY c");
            out.add("UPDATE " + tbl + " SET k=k+1 WHERE id=" + id);
            out.add("UPDATE " + tbl + " SET c='" + r.nextLong() + "-" + r.nextLong() + "' WHERE id=" + id);
            out.add("DELETE FROM " + tbl + " WHERE id=" + id);
            out.add("INSERT INTO " + tbl + " (id, k, c, pad) VALUES (" + id + ", " + r.nextInt(1_000_000) + ", '"
                    + r.nextLong() + "-" + r.nextLong() + "', '" + r.nextLong() + "')");
            out.add("BEGIN");
            out.add("COMMIT");
        }
        return bytes(out.subList(0, count));
    }

    /** Hibernate-, Django- and Rails-shaped statements of roughly 200 characters. */
    static byte[][] orm(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            int id = r.nextInt(100_000);
            out.add("select user0_.id as id1_0_, user0_.created_at as created_2_0_, user0_.email as email3_0_, "
                    + "user0_.name as name4_0_, user0_.status as status5_0_ from users user0_ where user0_.id=" + id);
            out.add("SELECT `posts`.`id`, `posts`.`title`, `posts`.`body` FROM `posts` LEFT OUTER JOIN `users` ON "
                    + "`users`.`id` = `posts`.`user_id` WHERE `users`.`status` = 'active' AND `posts`.`id` = " + id
                    + " LIMIT 20");
            out.add("SELECT `app_user`.`id`, `app_user`.`username`, `app_user`.`is_active`, `app_user`.`date_joined`"
                    + " FROM `app_user` WHERE (`app_user`.`id` IN (" + id + ", " + (id + 1) + ", " + (id + 2)
                    + ")) LIMIT 21");
            out.add("insert into orders (created_at, status, total, user_id, version) values ('2024-05-0"
                    + (1 + r.nextInt(9)) + " 10:11:12', 'NEW', " + r.nextInt(10_000) + ".50, " + id + ", 0)");
            out.add("update users set email='user" + id + "@example.org', name='User " + id + "', status='active',"
                    + " updated_at='2024-06-01 00:00:00', version=" + r.nextInt(10) + " where id=" + id
                    + " and version=3");
        }
        return bytes(out.subList(0, count));
    }

    private static byte[][] bytes(List<String> statements) {
        byte[][] b = new byte[statements.size()][];
        for (int i = 0; i < b.length; i++) {
            b[i] = statements.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }
}
