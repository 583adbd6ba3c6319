package org.chainmarket.placement.plan;

import org.chainmarket.placement.domain.CellAllocation;
import org.chainmarket.placement.domain.DemandAssignment;
import org.chainmarket.placement.domain.PlacementSolution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plan as plain numbers, whoever made it: instances per cell ({@code counts[i]} for the solution's i-th cell) and
 * the cell serving each demand unit ({@code unitCell[j]}: index of a cell, -1 = unserved).
 */
public record Placement(int[] counts, int[] unitCell) {

    /** Reads the plan a solution holds. */
    public static Placement of(PlacementSolution s) {
        List<CellAllocation> cells = s.getCells();
        int[] counts = new int[cells.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = cells.get(i).count();
        }
        int[] unitCell = new int[s.getUnits().size()];
        for (int j = 0; j < unitCell.length; j++) {
            CellAllocation c = s.getUnits().get(j).getCell();
            unitCell[j] = c == null ? -1 : cells.indexOf(c);
        }
        return new Placement(counts, unitCell);
    }

    /** Writes this plan into {@code s} directly (outside a solver), keeping each cell's list of units in step. */
    public PlacementSolution applyTo(PlacementSolution s) {
        List<CellAllocation> cells = s.getCells();
        for (int i = 0; i < cells.size(); i++) {
            cells.get(i).setCount(counts[i]);
            cells.get(i).setUnits(new ArrayList<>());
        }
        for (int j = 0; j < unitCell.length; j++) {
            DemandAssignment u = s.getUnits().get(j);
            CellAllocation c = unitCell[j] < 0 ? null : cells.get(unitCell[j]);
            u.setCell(c);
            if (c != null) {
                c.getUnits().add(u);
            }
        }
        return s;
    }

    /** Instances running in total. */
    public int instances() {
        return Arrays.stream(counts).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement p && Arrays.equals(counts, p.counts) && Arrays.equals(unitCell, p.unitCell);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Arrays.hashCode(unitCell);
    }

    @Override
    public String toString() {
        return "Placement" + Arrays.toString(counts) + Arrays.toString(unitCell);
    }
}
