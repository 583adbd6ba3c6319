package org.chainmarket.monitoring.detect;

/**
 * A hysteresis band for a metric where higher is worse: a subject degrades when the value reaches {@code enter} and
 * recovers when it falls to {@code clear} or below ({@code clear <= enter}); a value between the two changes nothing.
 */
public record Threshold(double enter, double clear) {
    public Threshold {
        if (!Double.isFinite(enter)) {
            throw new IllegalArgumentException("enter must be a finite number but was " + enter);
        }
        if (!Double.isFinite(clear) || clear > enter) {
            throw new IllegalArgumentException("clear must be a finite number at most enter (" + enter + ") but was " + clear);
        }
    }

    /**
     * Reads {@code enter/clear}, for example {@code 0.85/0.7}, or {@code off} (null: the metric is not judged);
     * {@code field} names the setting in errors.
     */
    public static Threshold parse(String field, String text) {
        if (text != null && text.trim().equalsIgnoreCase("off")) {
            return null;
        }
        String[] parts = text == null ? new String[0] : text.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException(field + " must be 'enter/clear' (for example 0.85/0.7) but was '" + text + "'");
        }
        try {
            return new Threshold(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be two numbers 'enter/clear' but was '" + text + "'", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return enter + "/" + clear;
    }
}
