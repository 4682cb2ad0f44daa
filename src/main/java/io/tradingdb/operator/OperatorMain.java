package io.tradingdb.operator; public class OperatorMain { public static void main(String[] a){} }
