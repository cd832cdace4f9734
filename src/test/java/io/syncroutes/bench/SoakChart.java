package io.syncroutes.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** The samples as a PNG: one time-series panel per figure (RSS, heap after GC, threads, open fds, store size), faults marked. */
final class SoakChart {

    private static final int WIDTH = 1000;
    private static final int PANEL = 170;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;

    private record Series(String title, String unit, ToDoubleFunction<SoakSampler.Sample> value) {
    }

    private static final List<Series> SERIES = List.of(
            new Series("RSS", "MB", SoakSampler.Sample::rssMb),
            new Series("heap used after GC", "MB", SoakSampler.Sample::heapMb),
            new Series("JVM threads", "", s -> s.jvmThreads()),
            new Series("open file descriptors", "", s -> s.fds()),
            new Series("MongoDB store (H2 file)", "MB", SoakSampler.Sample::storeMb));

    private SoakChart() {
    }

    static void write(List<SoakSampler.Sample> samples, List<Double> faults, String title, Path png) throws IOException {
        int height = 40 + SERIES.size() * PANEL + 30;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 25);
        double maxT = samples.stream().mapToDouble(SoakSampler.Sample::seconds).max().orElse(1);
        for (int i = 0; i < SERIES.size(); i++) {
            panel(g, samples, faults, SERIES.get(i), 40 + i * PANEL, Math.max(maxT, 1));
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawString("minutes since the app was ready (red: a fault began)", WIDTH / 2 - 140, height - 8);
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, List<SoakSampler.Sample> samples, List<Double> faults, Series series, int top, double maxT) {
        int plotTop = top + 22;
        int plotHeight = PANEL - 45;
        int plotWidth = WIDTH - LEFT - RIGHT;
        double[] values = samples.stream().mapToDouble(series.value()).toArray();
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        max = max <= 0 ? 1 : niceCeiling(max * 1.1);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.setColor(Color.BLACK);
        g.drawString(series.title() + (series.unit().isEmpty() ? "" : " (" + series.unit() + ")"), LEFT, top + 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int tick = 0; tick <= 4; tick++) {
            int y = plotTop + plotHeight - tick * plotHeight / 4;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.0f", max * tick / 4), 10, y + 4);
        }
        int minutes = (int) Math.floor(maxT / 60);
        int step = Math.max(1, minutes / 12);
        for (int m = 0; m <= minutes; m += step) {
            int x = LEFT + (int) (plotWidth * m * 60 / maxT);
            g.setColor(new Color(240, 240, 240));
            g.drawLine(x, plotTop, x, plotTop + plotHeight);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.valueOf(m), x - 3, plotTop + plotHeight + 13);
        }
        g.setColor(new Color(255, 190, 190));
        for (double fault : faults) {
            int x = LEFT + (int) (plotWidth * fault / maxT);
            g.drawLine(x, plotTop, x, plotTop + plotHeight);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, plotTop, plotWidth, plotHeight);
        Path2D.Double line = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                continue;
            }
            double x = LEFT + plotWidth * samples.get(i).seconds() / maxT;
            double y = plotTop + plotHeight - plotHeight * values[i] / max;
            if (started) {
                line.lineTo(x, y);
            } else {
                line.moveTo(x, y);
                started = true;
            }
        }
        g.setColor(new Color(31, 119, 180));
        g.setStroke(new BasicStroke(1.8f));
        g.draw(line);
        g.setStroke(new BasicStroke(1f));
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
