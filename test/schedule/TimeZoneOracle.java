import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JDK's java.time as an independent time-zone implementation for test/schedule/time-zone.test.ts.
 * Reads "R|zone|local date-time|lead minutes" lines; writes, per line, "valid offsets in seconds|the
 * gap's transition instant in ms (empty unless a gap)|the pre-warm start (the local time at the
 * earlier offset minus the lead on the instant time-line) as 'ZONE local' or, when that local time
 * happens twice, 'UTC local'". A "T|zone|from ms|to ms" line gets the zone's transitions in between as
 * "instant ms:offset before s:offset after s" separated by commas.
 */
public class TimeZoneOracle {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      String[] p = line.split("\\|");
      ZoneId zone = ZoneId.of(p[1]);
      if (p[0].equals("T")) {
        transitions(zone, Long.parseLong(p[2]), Long.parseLong(p[3]), out);
        continue;
      }
      LocalDateTime local = LocalDateTime.parse(p[2]);
      long lead = Long.parseLong(p[3]);
      List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
      out.append(offsets.stream().map(o -> String.valueOf(o.getTotalSeconds())).collect(Collectors.joining(",")));
      out.append('|');
      if (offsets.isEmpty()) {
        out.append(zone.getRules().getTransition(local).getInstant().toEpochMilli()).append("||");
      } else {
        // ofLocal with no preferred offset takes the earlier one in an overlap; minusMinutes is on the instant time-line.
        ZonedDateTime start = ZonedDateTime.ofLocal(local, zone, null).minusMinutes(lead);
        LocalDateTime startLocal = start.toLocalDateTime();
        out.append('|');
        if (zone.getRules().getValidOffsets(startLocal).size() == 2) {
          out.append("UTC ").append(start.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else {
          out.append(p[1]).append(' ').append(startLocal);
        }
      }
      out.append('\n');
    }
    System.out.print(out);
  }

  private static void transitions(ZoneId zone, long from, long to, StringBuilder out) {
    List<String> found = new ArrayList<>();
    ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.ofEpochMilli(from));
    while (t != null && t.getInstant().toEpochMilli() < to) {
      found.add(t.getInstant().toEpochMilli() + ":" + t.getOffsetBefore().getTotalSeconds() + ":" + t.getOffsetAfter().getTotalSeconds());
      t = zone.getRules().nextTransition(t.getInstant());
    }
    out.append(String.join(",", found)).append('\n');
  }
}
