/** The app's two themes: the standard dark one, and sunlight mode (dark on white, for a screen in the sun). */
export type Theme = 'standard' | 'sunlight';
