// Where the settings page lives in this service.
export const SETTINGS_PAGE_PATH = '/settings/amazon';
