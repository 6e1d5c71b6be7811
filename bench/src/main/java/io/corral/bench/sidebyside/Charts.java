package io.corral.bench.sidebyside;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** The report's PNG charts, drawn headless with JFreeChart. */
final class Charts {

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 600;
    private static final Color MEASURED = new Color(0x2E7D32);
    private static final Color BASELINE = new Color(0x757575);

    private Charts() {
    }

    /**
     * Grouped bars, measured server beside its baseline for each scenario, on a logarithmic axis because
     * requests, messages and handshakes differ by orders of magnitude.
     */
    static void groupedLog(Path file, String title, String axisLabel, DefaultCategoryDataset data) throws IOException {
        JFreeChart chart = ChartFactory.createBarChart(title, null, axisLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        LogAxis axis = new LogAxis(axisLabel);
        axis.setBase(10);
        // One labelled tick per power of ten, minor ticks between: 10^0.2 steps would read 251,188.643.
        axis.setTickUnit(new NumberTickUnit(1.0, new DecimalFormat("#,##0.###")), false, false);
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        double smallest = Double.MAX_VALUE;
        double largest = 0;
        for (int row = 0; row < data.getRowCount(); row++) {
            for (int column = 0; column < data.getColumnCount(); column++) {
                Number value = data.getValue(row, column);
                if (value != null && value.doubleValue() > 0) {
                    smallest = Math.min(smallest, value.doubleValue());
                    largest = Math.max(largest, value.doubleValue());
                }
            }
        }
        if (largest > 0) {
            // Bars start from the axis' lower edge: a bit below the smallest value keeps every bar visible.
            axis.setRange(smallest / 2, largest * 2);
        }
        plot.setRangeAxis(axis);
        style(plot);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setSeriesPaint(0, MEASURED);
        renderer.setSeriesPaint(1, BASELINE);
        save(file, chart);
    }

    /** The ratio of each scenario as a bar, its target as a marker beside it. */
    static void ratios(Path file, DefaultCategoryDataset ratios, DefaultCategoryDataset targets) throws IOException {
        JFreeChart chart = ChartFactory.createBarChart("Corral ÷ baseline per server CPU-second (median of pairs)",
                null, "ratio", ratios, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        style(plot);
        ((BarRenderer) plot.getRenderer()).setSeriesPaint(0, MEASURED);
        LineAndShapeRenderer targetRenderer = new LineAndShapeRenderer(false, true);
        targetRenderer.setSeriesPaint(0, Color.RED);
        targetRenderer.setSeriesStroke(0, new BasicStroke(2f));
        plot.setDataset(1, targets);
        plot.setRenderer(1, targetRenderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        save(file, chart);
    }

    /** Bytes per idle connection, one stacked bar per scenario and server, stacked by owner. */
    static void stacked(Path file, String title, String axisLabel, DefaultCategoryDataset data) throws IOException {
        JFreeChart chart = ChartFactory.createStackedBarChart(title, null, axisLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        style(chart.getCategoryPlot());
        save(file, chart);
    }

    private static void style(CategoryPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        CategoryAxis categories = plot.getDomainAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        categories.setMaximumCategoryLabelLines(2);
        if (plot.getRenderer() instanceof BarRenderer bars) {
            bars.setBarPainter(new StandardBarPainter());
            bars.setShadowVisible(false);
            bars.setItemMargin(0.05);
            bars.setMaximumBarWidth(0.08);
        }
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
