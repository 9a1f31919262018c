export declare function stripAnalytics(html: string): { html: string; removed: number };
export declare function stripAnalyticsFile(path: string): number;
